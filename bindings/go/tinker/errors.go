package tinker

import (
	"errors"
	"strings"

	"libtinker.dev/tinker/internal/raw"
)

// Error is a failed libtinker call or operation.
type Error struct {
	Code       Status
	Category   Category
	HTTPStatus int    // 0 when no HTTP response caused the error
	RequestID  string // the Tinker request (future) id, "" when none
	Retryable  bool   // retrying the same operation later could succeed
	Message    string
}

func (e *Error) Error() string { return "tinker: " + e.Code.String() + ": " + e.Message }

// Is reports whether target is this error's Status (errors.Is(err, tinker.StatusNotFound)).
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Code
}

// CodeOf returns the Status of err: StatusOK for nil, the code of an *Error, StatusUnknown for
// any other error.
func CodeOf(err error) Status {
	if err == nil {
		return StatusOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return StatusUnknown
}

var errClosed = &Error{Code: StatusFailedPrecondition, Category: CategoryUser,
	Message: "use of a closed libtinker handle"}

// errUnset is what every method of a zero-value or nil client returns: clients come from
// NewServiceClient and the operations that create them.
var errUnset = &Error{Code: StatusFailedPrecondition, Category: CategoryUser,
	Message: "use of a zero-value or nil client (clients are made by NewServiceClient and its operations)"}

// fromRaw converts the raw layer's error (captured inside the failing C call) into an *Error.
func fromRaw(err error) error { return fromRawAs(err, "") }

// fromRawAs is fromRaw for a call made on behalf of method (e.g. "TrainingClient.SaveState"):
// libtinker's message begins with the C function's name, which becomes method.
func fromRawAs(err error, method string) error {
	if err == nil {
		return nil
	}
	var s *raw.StatusError
	if errors.As(err, &s) {
		return &Error{Code: Status(s.Code), Category: Category(s.Category), HTTPStatus: s.HTTPStatus,
			RequestID: s.RequestID, Retryable: s.Retryable, Message: goMessage(s.Message, method)}
	}
	return err
}

// goMessage names Go instead of C: a message that begins with a C function's name
// ("tinker_training_client_save_state_async: name must ...") begins with method instead, or, when
// method is "", with the function's Go name from the registry (goName, names_gen.go), if it has
// one; a client-option setter it mentions becomes the Go option (clientOptionNames). Callers see
// the method they called, not the C function behind it.
func goMessage(msg, method string) string {
	msg = clientOptionNames.Replace(msg)
	fn, rest, ok := strings.Cut(msg, ": ")
	if !ok || !isCName(fn) {
		return msg
	}
	if method == "" {
		if method, ok = goName(fn); !ok {
			return msg
		}
	}
	return method + ": " + rest
}

func isCName(s string) bool {
	if !strings.HasPrefix(s, "tinker_") {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// futureError reads the error a failed future owns (not the thread-local record, so it is safe
// from any goroutine).
func futureError(f raw.Tinker_future, status Status) error {
	e := raw.Tinker_future_error(f)
	if e == nil || e.Swigcptr() == 0 {
		return &Error{Code: status, Message: status.String()}
	}
	return &Error{
		Code:       Status(raw.Tinker_error_code(e)),
		Category:   Category(raw.Tinker_error_get_category(e)),
		HTTPStatus: raw.Tinker_error_http_status(e),
		RequestID:  raw.Tinker_error_request_id(e),
		Retryable:  raw.Tinker_error_retryable(e) != 0,
		Message:    goMessage(raw.Tinker_error_message(e), ""),
	}
}
