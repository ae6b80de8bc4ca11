package tinker

import (
	"context"

	"libtinker.dev/tinker/internal/raw"
)

// ServiceClient is the entry point: it owns the connection runtime shared by every client and
// future created from it. It is safe for concurrent use. Close it when done; futures may
// outlive it (they then end cancelled). Its operations are in operations_gen.go.
type ServiceClient struct {
	h *handle[raw.Tinker_service_client]
}

// NewServiceClient creates a client. It does no I/O; a malformed URL or API key is reported
// here (StatusInvalidArgument / StatusUnauthenticated).
func NewServiceClient(opts ...Option) (*ServiceClient, error) {
	var op uintptr
	if err := raw.Tinker_client_options_new(&op); err != nil {
		return nil, fromRaw(err)
	}
	o := raw.SwigcptrTinker_client_options(op)
	defer raw.Tinker_client_options_free(o)
	for _, opt := range opts {
		if err := opt(o); err != nil {
			return nil, fromRaw(err)
		}
	}
	var c uintptr
	if err := raw.Tinker_service_client_new(&c, o); err != nil {
		return nil, fromRaw(err)
	}
	return &ServiceClient{h: newHandle[raw.Tinker_service_client](raw.SwigcptrTinker_service_client(c),
		raw.Tinker_service_client_free)}, nil
}

// Close releases the client. Idempotent.
func (c *ServiceClient) Close() { c.h.close(nil) }

// SessionID is the client's session id once a session exists (StartSession, or any training or
// sampling operation, creates it), else "".
func (c *ServiceClient) SessionID() string {
	id := ""
	_ = c.h.use(func(p raw.Tinker_service_client) error { id = raw.Tinker_service_client_session_id(p); return nil })
	return id
}

// CreateRestClient makes a RestClient on this client's runtime (S6). It does no I/O and needs no
// session; the RestClient keeps the runtime alive, so it may outlive this client. A closed
// ServiceClient fails with StatusFailedPrecondition.
func (c *ServiceClient) CreateRestClient() (*RestClient, error) {
	const method = "ServiceClient.CreateRestClient"
	var p uintptr
	if err := c.h.use(func(sc raw.Tinker_service_client) error {
		return fromRawAs(raw.Tinker_service_client_create_rest_client(sc, &p), method)
	}); err == errClosed {
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
	if err := h.use(func(p P) error { return fromRawAs(async(p, &f), method) }); err == errClosed {
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
