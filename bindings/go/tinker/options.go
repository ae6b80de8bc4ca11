package tinker

import (
	"time"

	"libtinker.dev/tinker/internal/raw"
)

// Option configures a ServiceClient. Every option maps to one tinker_client_options_* setter;
// options not given keep libtinker's defaults (which read TINKER_BASE_URL, TINKER_API_KEY, ...
// from the environment).
type Option func(raw.Tinker_client_options) error

// WithBaseURL sets the service URL (http:// or https://).
func WithBaseURL(url string) Option {
	return func(o raw.Tinker_client_options) error { return raw.Tinker_client_options_set_base_url(o, url) }
}

// WithAPIKey sets the API key ("tml-..." or a JWT).
func WithAPIKey(key string) Option {
	return func(o raw.Tinker_client_options) error { return raw.Tinker_client_options_set_api_key(o, key) }
}

// WithRequestTimeout sets the total timeout of one HTTP request.
func WithRequestTimeout(d time.Duration) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_request_timeout_ms(o, d.Milliseconds())
	}
}

// WithMaxRetries sets the number of HTTP-layer retries per request.
func WithMaxRetries(n int) Option {
	return func(o raw.Tinker_client_options) error { return raw.Tinker_client_options_set_max_retries(o, n) }
}

// WithHeader adds a header sent with every request.
func WithHeader(name, value string) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_add_header(o, name, value)
	}
}

// WithUserMetadata adds one user_metadata entry sent when a session is created.
func WithUserMetadata(key, value string) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_add_user_metadata(o, key, value)
	}
}

// WithDefaultDeadline sets a deadline for every operation of the client (0: none).
func WithDefaultDeadline(d time.Duration) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_default_deadline_ms(o, d.Milliseconds())
	}
}

// WithArchiveRetry sets how RestClient.GetCheckpointArchiveUrl[FromTinkerPath] waits for an
// archive the server is still building (HTTP 503): it asks again after delay, up to attempts
// times (default 30 s, 6 times, as the official client). A negative delay or attempts fails
// NewServiceClient with StatusInvalidArgument.
func WithArchiveRetry(delay time.Duration, attempts int) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_archive_retry(o, delay.Milliseconds(), attempts)
	}
}

// WithTracePollInterval sets how often RestClient.ExportSessionTrace asks again while the export
// is pending (default 5 s, as the official client); it must be at least a millisecond.
func WithTracePollInterval(d time.Duration) Option {
	return func(o raw.Tinker_client_options) error {
		return raw.Tinker_client_options_set_trace_poll_interval_ms(o, d.Milliseconds())
	}
}
