package tinker

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// Option configures a ServiceClient. Every option maps to one tinker_client_options_* setter of
// libtinker (include/tinker/options.h); options not given keep libtinker's defaults (which read
// TINKER_BASE_URL, TINKER_API_KEY, TINKER_PROJECT_ID, TINKER_TAGS, ... from the environment).
// A value an option refuses fails NewServiceClient with StatusInvalidArgument, and the message
// begins with the option's name ("WithConnectTimeout: ms must be > 0, got 0"). Options apply in
// the order given; a later one of the same setting wins, except the ones that add (WithHeader,
// WithUserMetadata, WithTag). The zero Option is refused.
//
// Not offered: libtinker's log and queue-state callbacks, which would call Go from library
// threads (the binding never lets the library call into Go; see bindings/README.md). Set
// TINKER_LOG=debug|info|warning|error to have libtinker log to stderr instead.
type Option struct {
	name string
	set  func(raw.Tinker_client_options) error
}

func option(name string, set func(raw.Tinker_client_options) error) Option {
	return Option{name: name, set: set}
}

// apply runs the option's setter; errors name the option.
func (opt Option) apply(o raw.Tinker_client_options, index int) error {
	if opt.set == nil {
		return invalidInput("NewServiceClient: option %d is the zero Option", index)
	}
	return fromRawAs(opt.set(o), opt.name)
}

// stringOption refuses an argument holding a NUL byte (C would cut the string there), naming
// the option, before set is ever called.
func stringOption(name string, set func(raw.Tinker_client_options) error, args ...string) Option {
	for _, s := range args {
		if _, err := cString(s, name); err != nil {
			return option(name, func(raw.Tinker_client_options) error { return err })
		}
	}
	return option(name, set)
}

// millis is d in whole milliseconds; a positive d shorter than a millisecond is refused rather
// than sent as 0.
func millis(name string, d time.Duration, set func(raw.Tinker_client_options, int64) error) Option {
	return option(name, func(o raw.Tinker_client_options) error {
		if d > 0 && d < time.Millisecond {
			return invalidInput("%s: %v is less than the millisecond libtinker counts in", name, d)
		}
		return set(o, d.Milliseconds())
	})
}

// WithBaseURL sets the service URL (http:// or https://, with a host; default TINKER_BASE_URL).
func WithBaseURL(url string) Option {
	return stringOption("WithBaseURL", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_base_url(o, url)
	}, url)
}

// WithAPIKey sets the API key ("tml-..." or a JWT; default TINKER_API_KEY).
func WithAPIKey(key string) Option {
	return stringOption("WithAPIKey", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_api_key(o, key)
	}, key)
}

// WithRequestTimeout sets the total timeout of one HTTP request (default 60 s; must be > 0).
func WithRequestTimeout(d time.Duration) Option {
	return millis("WithRequestTimeout", d, raw.Tinker_client_options_set_request_timeout_ms)
}

// WithConnectTimeout sets the connect timeout of one HTTP request (default 5 s; must be > 0).
func WithConnectTimeout(d time.Duration) Option {
	return millis("WithConnectTimeout", d, raw.Tinker_client_options_set_connect_timeout_ms)
}

// WithMaxRetries sets the number of HTTP-layer retries per request (default 10; must be >= 0).
func WithMaxRetries(n int) Option {
	return option("WithMaxRetries", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_max_retries(o, n)
	})
}

// WithRetryBudget sets the time budget of the submission retry layer (default 5 min; 0 means a
// single attempt; must be >= 0).
func WithRetryBudget(d time.Duration) Option {
	return millis("WithRetryBudget", d, raw.Tinker_client_options_set_retry_budget_ms)
}

// WithHeader adds a header sent with every request (e.g. a gateway token). libtinker's own
// protocol headers cannot be overridden; a name that is no HTTP token or a value with a control
// character is refused.
func WithHeader(name, value string) Option {
	return stringOption("WithHeader", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_add_header(o, name, value)
	}, name, value)
}

// WithUserMetadata adds one user_metadata entry sent when a session is created (later value
// wins).
func WithUserMetadata(key, value string) Option {
	return stringOption("WithUserMetadata", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_add_user_metadata(o, key, value)
	}, key, value)
}

// WithSessionProjectID sets the project id sent when a session is created (default
// TINKER_PROJECT_ID, else none). (WithProjectID is the TrainingOption that filters
// RestClient.ListTrainingRuns.)
func WithSessionProjectID(projectID string) Option {
	return stringOption("WithSessionProjectID", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_project_id(o, projectID)
	}, projectID)
}

// WithTag adds a session tag. When no tag is given, TINKER_TAGS (comma-separated) is used.
func WithTag(tag string) Option {
	return stringOption("WithTag", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_add_tag(o, tag)
	}, tag)
}

// WithProxy sets the proxy URL for every request (libcurl syntax); "" means no proxy. Default:
// libcurl's environment handling (http_proxy, https_proxy, no_proxy, ...).
func WithProxy(proxyURL string) Option {
	return stringOption("WithProxy", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_proxy(o, proxyURL)
	}, proxyURL)
}

// WithCABundlePath sets a PEM CA bundle used instead of the system store. The file is read when
// connecting; a server certificate or host name that does not verify fails the operation at once
// with StatusFailedPrecondition.
func WithCABundlePath(path string) Option {
	return stringOption("WithCABundlePath", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_ca_bundle_path(o, path)
	}, path)
}

// WithVerifyTLS turns TLS peer and host verification on (the default) or off (testing only).
func WithVerifyTLS(verify bool) Option {
	v := 0
	if verify {
		v = 1
	}
	return option("WithVerifyTLS", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_verify_tls(o, v)
	})
}

// WithSDKVersion sets the SDK version reported to the server (the create_session body and the
// User-Agent); the server gates features on it. Default "0.25.0".
func WithSDKVersion(version string) Option {
	return stringOption("WithSDKVersion", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_sdk_version(o, version)
	}, version)
}

// WireMode is how forward/backward requests are encoded.
type WireMode int

const (
	// WireProtobuf is the protocol of the official SDK 0.25.0 (the default).
	WireProtobuf WireMode = 0
	// WireJSON is the older JSON encoding (SDK <= 0.24), for servers that need it.
	WireJSON WireMode = 1
)

func (m WireMode) String() string {
	switch m {
	case WireProtobuf:
		return "WireProtobuf"
	case WireJSON:
		return "WireJSON"
	}
	return fmt.Sprintf("WireMode(%d)", int(m))
}

// WithWireMode sets the wire mode of forward/backward (default WireProtobuf); another value is
// refused.
func WithWireMode(mode WireMode) Option {
	return option("WithWireMode", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_wire_mode(o, raw.Tinker_wire_mode(mode))
	})
}

// WithDefaultDeadline sets a deadline for every operation of the client (0: none, the default;
// must be >= 0). When it passes, the operation ends with StatusDeadlineExceeded.
func WithDefaultDeadline(d time.Duration) Option {
	return millis("WithDefaultDeadline", d, raw.Tinker_client_options_set_default_deadline_ms)
}

// WithHeartbeatInterval sets the session heartbeat period (default 10 s; must be > 0).
func WithHeartbeatInterval(d time.Duration) Option {
	return millis("WithHeartbeatInterval", d, raw.Tinker_client_options_set_heartbeat_interval_ms)
}

// WithArchiveRetry sets how RestClient.GetCheckpointArchiveUrl[FromTinkerPath] waits for an
// archive the server is still building (HTTP 503): it asks again after delay, up to attempts
// times (default 30 s, 6 times, as the official client). A negative delay or attempts fails
// NewServiceClient with StatusInvalidArgument.
func WithArchiveRetry(delay time.Duration, attempts int) Option {
	return option("WithArchiveRetry", func(o raw.Tinker_client_options) error {
		if delay > 0 && delay < time.Millisecond {
			return invalidInput("WithArchiveRetry: %v is less than the millisecond libtinker counts in", delay)
		}
		return raw.Tinker_client_options_set_archive_retry(o, delay.Milliseconds(), attempts)
	})
}

// WithTracePollInterval sets how often RestClient.ExportSessionTrace asks again while the export
// is pending (default 5 s, as the official client); it must be at least a millisecond.
func WithTracePollInterval(d time.Duration) Option {
	return millis("WithTracePollInterval", d, raw.Tinker_client_options_set_trace_poll_interval_ms)
}

// WithMaxResultBytes sets the largest operation result accepted (forward/backward outputs,
// samples; counted after decoding; default 256 MiB; must be > 0). A larger result fails the
// operation with StatusResourceExhausted.
func WithMaxResultBytes(n int64) Option {
	return option("WithMaxResultBytes", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_max_result_bytes(o, n)
	})
}

// WithMaxResponseBytes sets the largest body accepted for every other response (configuration,
// acknowledgements, REST listings, errors; default 16 MiB; must be > 0). A larger one fails the
// call with StatusResourceExhausted.
func WithMaxResponseBytes(n int64) Option {
	return option("WithMaxResponseBytes", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_max_response_bytes(o, n)
	})
}

// WithHubEndpoint sets the Hugging Face Hub that TrainingClient.GetTokenizer and
// SamplingClient.GetTokenizer fetch tokenizer files from: its endpoint, e.g.
// "https://huggingface.co" or a mirror (a trailing '/' is dropped; http:// or https:// with a
// host, no user information). Default: HF_ENDPOINT, else https://huggingface.co.
func WithHubEndpoint(url string) Option {
	return stringOption("WithHubEndpoint", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_hub_endpoint(o, url)
	}, url)
}

// WithHubToken sets the Hub access token (for gated or private repositories), sent as a Bearer
// credential to the endpoint's own origin only, never across a redirect to another host, never
// logged or put in a message. "" means anonymous even when the environment has a token. Default:
// HF_TOKEN, else the file HF_TOKEN_PATH, else $HF_HOME/token.
func WithHubToken(token string) Option {
	return stringOption("WithHubToken", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_hub_token(o, token)
	}, token)
}

// WithHubCacheDir sets the directory of the Hub cache, laid out as huggingface_hub lays it out
// (so Python and libtinker share downloads); created when missing; "" is refused. Default:
// HF_HUB_CACHE, else $HF_HOME/hub (HF_HOME: $XDG_CACHE_HOME/huggingface, else
// ~/.cache/huggingface).
func WithHubCacheDir(path string) Option {
	return stringOption("WithHubCacheDir", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_hub_cache_dir(o, path)
	}, path)
}

// WithHubOffline turns the Hub's offline mode on or off: offline, GetTokenizer reads the Hub
// cache only and sends nothing to the Hub, and a tokenizer not cached fails with
// StatusUnavailable. Default: HF_HUB_OFFLINE ("1", "ON", "YES" or "TRUE"), else online.
func WithHubOffline(offline bool) Option {
	v := 0
	if offline {
		v = 1
	}
	return option("WithHubOffline", func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_hub_offline(o, v)
	})
}

// clientOptionNames are libtinker's client-option setters and the Go options that call them:
// messages that advise one ("raise it with tinker_client_options_set_max_result_bytes") name the
// Go option instead.
var clientOptionNames = strings.NewReplacer(
	"tinker_client_options_set_base_url", "WithBaseURL",
	"tinker_client_options_set_api_key", "WithAPIKey",
	"tinker_client_options_set_request_timeout_ms", "WithRequestTimeout",
	"tinker_client_options_set_connect_timeout_ms", "WithConnectTimeout",
	"tinker_client_options_set_max_retries", "WithMaxRetries",
	"tinker_client_options_set_retry_budget_ms", "WithRetryBudget",
	"tinker_client_options_add_user_metadata", "WithUserMetadata",
	"tinker_client_options_set_project_id", "WithSessionProjectID",
	"tinker_client_options_add_tag", "WithTag",
	"tinker_client_options_add_header", "WithHeader",
	"tinker_client_options_set_proxy", "WithProxy",
	"tinker_client_options_set_ca_bundle_path", "WithCABundlePath",
	"tinker_client_options_set_verify_tls", "WithVerifyTLS",
	"tinker_client_options_set_sdk_version", "WithSDKVersion",
	"tinker_client_options_set_wire_mode", "WithWireMode",
	"tinker_client_options_set_default_deadline_ms", "WithDefaultDeadline",
	"tinker_client_options_set_heartbeat_interval_ms", "WithHeartbeatInterval",
	"tinker_client_options_set_archive_retry", "WithArchiveRetry",
	"tinker_client_options_set_trace_poll_interval_ms", "WithTracePollInterval",
	"tinker_client_options_set_max_result_bytes", "WithMaxResultBytes",
	"tinker_client_options_set_max_response_bytes", "WithMaxResponseBytes",
	"tinker_client_options_set_hub_endpoint", "WithHubEndpoint",
	"tinker_client_options_set_hub_token", "WithHubToken",
	"tinker_client_options_set_hub_cache_dir", "WithHubCacheDir",
	"tinker_client_options_set_hub_offline", "WithHubOffline",
)

// newClientError names the options in a refusal of tinker_service_client_new, whose messages
// begin with the setting ("base_url: 'ftp://x' is not an http:// or https:// URL").
func newClientError(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	for setting, opt := range map[string]string{"base_url: ": "WithBaseURL or TINKER_BASE_URL: ",
		"api_key: ": "WithAPIKey or TINKER_API_KEY: "} {
		if prefix := "NewServiceClient: " + setting; strings.HasPrefix(e.Message, prefix) {
			e.Message = "NewServiceClient: " + opt + strings.TrimPrefix(e.Message, prefix)
		}
	}
	return e
}
