package tinker

import (
	"context"

	"libtinker.dev/tinker/internal/raw"
)

// ServiceClient is the entry point: it makes the connection runtime shared by every client and
// future created from it. It is safe for concurrent use. Close it when done: the clients made
// from it keep the runtime (see "Lifetimes" in the package doc). The zero value and a nil
// pointer are no client: their methods fail with StatusFailedPrecondition. Its operations are in
// operations_gen.go.
type ServiceClient struct {
	h *handle[raw.Tinker_service_client]
}

// NewServiceClient creates a client. It does no I/O; a malformed URL or API key is reported
// here (StatusInvalidArgument / StatusUnauthenticated). A libtinker of another major version
// than the one this package was generated for, or an older one, is refused with
// StatusFailedPrecondition naming both versions.
func NewServiceClient(opts ...Option) (*ServiceClient, error) {
	if err := checkLibrary(); err != nil {
		return nil, within("NewServiceClient", err)
	}
	var op uintptr
	if err := raw.Tinker_client_options_new(&op); err != nil {
		return nil, fromRaw(err)
	}
	o := raw.SwigcptrTinker_client_options(op)
	defer raw.Tinker_client_options_free(o)
	for i, opt := range opts {
		if err := opt.apply(o, i); err != nil {
			return nil, err
		}
	}
	var c uintptr
	if err := raw.Tinker_service_client_new(&c, o); err != nil {
		return nil, newClientError(fromRawAs(err, "NewServiceClient"))
	}
	return &ServiceClient{h: newHandle[raw.Tinker_service_client](raw.SwigcptrTinker_service_client(c),
		raw.Tinker_service_client_free)}, nil
}

// native is the client's handle; nil for a zero-value or nil client, whose methods then fail
// with StatusFailedPrecondition instead of panicking.
func (c *ServiceClient) native() *handle[raw.Tinker_service_client] {
	if c == nil {
		return nil
	}
	return c.h
}

// Close releases the client. Idempotent; a no-op on a zero-value or nil client.
func (c *ServiceClient) Close() { c.native().close(nil) }

// SessionID is the client's session id once a session exists (StartSession, or any training or
// sampling operation, creates it), else "".
func (c *ServiceClient) SessionID() string {
	id := ""
	_ = c.native().use(func(p raw.Tinker_service_client) error { id = raw.Tinker_service_client_session_id(p); return nil })
	return id
}

// CreateRestClient makes a RestClient on this client's runtime (S6). It does no I/O and needs no
// session; the RestClient keeps the runtime alive, so it may outlive this client. A closed
// ServiceClient fails with StatusFailedPrecondition.
func (c *ServiceClient) CreateRestClient() (*RestClient, error) {
	const method = "ServiceClient.CreateRestClient"
	var p uintptr
	if err := c.native().use(func(sc raw.Tinker_service_client) error {
		return fromRawAs(raw.Tinker_service_client_create_rest_client(sc, &p), method)
	}); err == errClosed || err == errUnset {
		return nil, within(method, err)
	} else if err != nil {
		return nil, err
	}
	return &RestClient{h: newHandle[raw.Tinker_rest_client](raw.SwigcptrTinker_rest_client(p),
		raw.Tinker_rest_client_free)}, nil
}

// start runs one `_async` entry point on a client handle for the Go method `method` (errors name
// it) and wraps the future it returns. Every operation goes through here; take turns a finished
// future into the Go result.
func start[P, T any](method string, h *handle[P], async func(P, *uintptr) error,
	take func(raw.Tinker_future) (T, error)) (*Future[T], error) {
	var f uintptr
	if err := h.use(func(p P) error { return fromRawAs(async(p, &f), method) }); err == errClosed || err == errUnset {
		return nil, within(method, err)
	} else if err != nil {
		return nil, err
	}
	return newFuture(raw.SwigcptrTinker_future(f), take), nil
}

// await is the blocking form of an operation: start, wait (honouring ctx), release. If ctx ends
// first the operation is cancelled.
func await[T any](ctx context.Context, async func() (*Future[T], error)) (T, error) {
	f, err := async()
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return f.Wait(ctx)
}

func takeNothing(raw.Tinker_future) (struct{}, error) { return struct{}{}, nil }
