package tinker

import (
	"context"

	"libtinker.dev/tinker/internal/raw"
)

// ServiceClient is the entry point: it owns the connection runtime shared by every client and
// future created from it. It is safe for concurrent use. Close it when done; futures may
// outlive it (they then end cancelled).
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

// start runs one `_async` entry point on a client handle and wraps the future it returns.
// Every operation goes through here; take turns a finished future into the Go result.
func start[P, T any](h *handle[P], async func(P, *uintptr) error,
	take func(raw.Tinker_future) (T, error)) (*Future[T], error) {
	var f uintptr
	if err := h.use(func(p P) error { return fromRaw(async(p, &f)) }); err != nil {
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

// HealthCheckAsync starts GET /api/v1/healthz.
func (c *ServiceClient) HealthCheckAsync() (*Future[struct{}], error) {
	return start(c.h, raw.Tinker_service_client_health_check_async, takeNothing)
}

// HealthCheck returns nil when the server reports itself healthy.
func (c *ServiceClient) HealthCheck(ctx context.Context) error {
	_, err := await(ctx, c.HealthCheckAsync)
	return err
}

// Model is one model the server supports.
type Model struct {
	Name             string
	MaxContextLength int64 // -1 when the server did not say
}

// ServerCapabilities lists the models the server supports.
type ServerCapabilities struct {
	Models []Model
	JSON   string // the server's answer, for logging
}

func takeServerCapabilities(f raw.Tinker_future) (*ServerCapabilities, error) {
	var p uintptr
	if err := raw.Tinker_future_take_server_capabilities(f, &p); err != nil {
		return nil, fromRaw(err)
	}
	caps := raw.SwigcptrTinker_server_capabilities(p)
	defer raw.Tinker_server_capabilities_free(caps)
	out := &ServerCapabilities{}
	n := raw.Tinker_server_capabilities_model_count(caps)
	for i := int64(0); i < int64(n); i++ {
		out.Models = append(out.Models, Model{
			Name:             raw.Tinker_server_capabilities_model_name(caps, i),
			MaxContextLength: raw.Tinker_server_capabilities_model_max_context_length(caps, i),
		})
	}
	if err := raw.Tinker_server_capabilities_to_json(caps, &out.JSON); err != nil {
		return nil, fromRaw(err)
	}
	return out, nil
}

// GetServerCapabilitiesAsync starts fetching the supported models.
func (c *ServiceClient) GetServerCapabilitiesAsync() (*Future[*ServerCapabilities], error) {
	return start(c.h, raw.Tinker_service_client_get_server_capabilities_async, takeServerCapabilities)
}

// GetServerCapabilities returns the models the server supports.
func (c *ServiceClient) GetServerCapabilities(ctx context.Context) (*ServerCapabilities, error) {
	return await(ctx, c.GetServerCapabilitiesAsync)
}
