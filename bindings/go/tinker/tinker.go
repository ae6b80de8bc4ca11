// Package tinker is the Go binding of libtinker, the C client library of the Tinker
// fine-tuning service.
//
// Calls return (T, error). Every operation exists as a blocking method that takes a
// context.Context and as an Async twin that returns a *Future[T]; the blocking method is the
// Async call followed by Future.Wait. Failures are *Error values carrying the status code,
// category, HTTP status and request id; errors.Is(err, tinker.StatusUnauthenticated) works. The
// message of a failed operation or builder setting names the Go method or field that was called
// ("TrainingClient.SaveState: name must be ..."), not the C function behind it.
//
// A ServiceClient creates TrainingClients (LoRA runs: ForwardBackward, OptimStep, checkpoints)
// and SamplingClients (Sample, ComputeLogprobs on a base model or a checkpoint; also from a
// TrainingClient's weights), and a RestClient (training runs; checkpoints: list, archive URL,
// delete, publish, time to live; samplers, session projects and trace exports, the audit log,
// billing usage, whoami; ParseTinkerPath and FormatTinkerPath split and make checkpoint paths).
// Inputs are plain Go values (ModelInput, Datum, SamplingParams), converted for each call
// and never retained; results are Go values copied out of libtinker's. Optional parameters are
// TrainingOptions (WithTTL, WithBaseModel, WithIncludePromptLogprobs, WithLimit, ...).
//
// A Tokenizer (LoadTokenizer, LoadTokenizerFromMemory, or a model's from
// TrainingClient.GetTokenizer and SamplingClient.GetTokenizer) is libtinker's native Hugging Face
// tokenizer: Encode, EncodeBatch and Decode give the same ids and text as Hugging Face
// `tokenizers`, without Python.
//
// The operations, their options, the result values and the builder values (AdamParams,
// LoraConfig, RetryConfig) are generated from libtinker's operation registry (api/registry.py,
// api/gen_go.py) into the *_gen.go files when the module is assembled.
//
// # Futures
//
// A *Future[T] is waited for with Wait(ctx), polled with Poll, or awaited in a select through
// Done, a channel closed once the operation has finished, whatever its outcome:
//
//	f, err := tc.ForwardBackwardAsync(data, "cross_entropy", nil)
//	...
//	select {
//	case <-f.Done():
//		out, err := f.Wait(ctx) // finished: returns at once
//	case <-time.After(time.Minute):
//		f.Cancel()
//	}
//
// Done costs no goroutine per future (one goroutine of the package drains a libtinker
// completion queue). A CompletionQueue lets one goroutine learn, by tag, which of many futures
// finished.
//
// # Client options
//
// NewServiceClient takes Options, one per libtinker client option: WithBaseURL, WithAPIKey,
// WithRequestTimeout, WithConnectTimeout, WithMaxRetries, WithRetryBudget, WithHeader,
// WithUserMetadata, WithSessionProjectID, WithTag, WithProxy, WithCABundlePath, WithVerifyTLS,
// WithSDKVersion, WithWireMode, WithDefaultDeadline, WithHeartbeatInterval, WithArchiveRetry,
// WithTracePollInterval, WithMaxResultBytes, WithMaxResponseBytes, and the Hugging Face Hub
// that GetTokenizer fetches from: WithHubEndpoint, WithHubToken, WithHubCacheDir and
// WithHubOffline. A value an option refuses fails NewServiceClient with StatusInvalidArgument,
// naming the option.
//
// # Lifetimes
//
// Close every client and future when done (a finalizer frees the ones that are not). They may
// be closed in any order, as libtinker allows: a TrainingClient, SamplingClient or RestClient
// keeps the connection runtime of the ServiceClient it came from, so it keeps working after that
// ServiceClient is closed (or collected), and operations pending at that moment complete. Only
// when the last client of a runtime is closed do its pending futures end with StatusCancelled;
// a future may outlive all its clients. Closing a pending future cancels it. A closed client's
// methods fail with StatusFailedPrecondition, and so do those of a zero-value client (var c
// tinker.ServiceClient) or a nil *ServiceClient, *TrainingClient, *SamplingClient or
// *RestClient: clients are made only by NewServiceClient and the operations that return them.
//
// # Building and versions
//
// The package sits on a SWIG-generated raw layer (internal/raw), produced when libtinker is built
// (from bindings/swig/tinker.i) and shipped with the module, which finds libtinker through
// pkg-config (`#cgo pkg-config: tinker`): with libtinker's development files installed, `go
// build` needs no CGO_* variables. docs/go.md says how to require the installed module. The
// package is generated for one libtinker version: NewServiceClient refuses a loaded libtinker of
// another major version, or an older one, with StatusFailedPrecondition naming both versions.
package tinker

import "libtinker.dev/tinker/internal/raw"

// Version is the run-time version of libtinker, e.g. "0.1.0".
func Version() string { return raw.Tinker_version_string() }

// Status is a libtinker status code. The numbers are frozen by tinker.h (gRPC canonical codes
// 0-16, future-specific codes from 100). A Status is also an error, so that
// errors.Is(err, tinker.StatusNotFound) matches an *Error with that code.
type Status int

// Status codes, as in tinker.h.
const (
	StatusOK                 Status = 0
	StatusCancelled          Status = 1
	StatusUnknown            Status = 2
	StatusInvalidArgument    Status = 3
	StatusDeadlineExceeded   Status = 4
	StatusNotFound           Status = 5
	StatusAlreadyExists      Status = 6
	StatusPermissionDenied   Status = 7
	StatusResourceExhausted  Status = 8
	StatusFailedPrecondition Status = 9
	StatusAborted            Status = 10
	StatusOutOfRange         Status = 11
	StatusUnimplemented      Status = 12
	StatusInternal           Status = 13
	StatusUnavailable        Status = 14
	StatusDataLoss           Status = 15
	StatusUnauthenticated    Status = 16
	StatusPending            Status = 100
	StatusTimeout            Status = 101
	StatusInterrupted        Status = 102
	StatusRequestFailed      Status = 103
)

// String is the status's constant name, e.g. "TINKER_E_NOT_FOUND".
func (s Status) String() string { return raw.Tinker_status_str(int(s)) }

// Error makes a Status usable as an errors.Is target.
func (s Status) Error() string { return "tinker: " + s.String() }

// Category says who is to blame for a failure.
type Category int

// Error categories, as in tinker.h.
const (
	CategoryUnknown Category = 0
	CategoryUser    Category = 1
	CategoryServer  Category = 2
)

func (c Category) String() string {
	switch c {
	case CategoryUser:
		return "user"
	case CategoryServer:
		return "server"
	default:
		return "unknown"
	}
}
