package tinker

import (
	"bytes"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a reverse proxy in front of the emulator that keeps every request it forwards, so
// a test can see what an option changed on the wire.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	srv  *httptest.Server
}

type recorded struct {
	method, path, uri string
	header            http.Header
	body              []byte
}

func newRecorder(t *testing.T) *recorder {
	t.Helper()
	needEmulator(t)
	target, err := url.Parse(os.Getenv("TINKER_BASE_URL"))
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{}
	proxy := httputil.NewSingleHostReverseProxy(target)
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.Path, req.RequestURI, req.Header.Clone(), body})
		r.mu.Unlock()
		proxy.ServeHTTP(w, req)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) find(suffix string) []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []recorded
	for _, q := range r.reqs {
		if strings.HasSuffix(q.path, suffix) {
			out = append(out, q)
		}
	}
	return out
}

func TestSessionOptionsReachTheServer(t *testing.T) {
	r := newRecorder(t)
	c := newClient(t, WithBaseURL(r.srv.URL), WithSessionProjectID("proj-go"), WithTag("go-a"), WithTag("go-b"),
		WithUserMetadata("team", "go"), WithSDKVersion("0.25.0"), WithHeader("X-Gateway-Token", "g1"),
		WithHeartbeatInterval(50*time.Millisecond))
	if err := c.StartSession(testContext(t)); err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	created := r.find("/create_session")
	if len(created) != 1 {
		t.Fatalf("create_session requests: %d", len(created))
	}
	var body struct {
		Tags         []string          `json:"tags"`
		UserMetadata map[string]string `json:"user_metadata"`
		SDKVersion   string            `json:"sdk_version"`
		ProjectID    string            `json:"project_id"`
	}
	if err := json.Unmarshal(created[0].body, &body); err != nil {
		t.Fatalf("create_session body %q: %v", created[0].body, err)
	}
	if body.ProjectID != "proj-go" || strings.Join(body.Tags, ",") != "go-a,go-b" ||
		body.UserMetadata["team"] != "go" || body.SDKVersion != "0.25.0" {
		t.Errorf("create_session body: %s", created[0].body)
	}
	if got := created[0].header.Get("X-Gateway-Token"); got != "g1" {
		t.Errorf("X-Gateway-Token = %q", got)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(r.find("/session_heartbeat")) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := len(r.find("/session_heartbeat")); n < 2 {
		t.Errorf("heartbeats after WithHeartbeatInterval(50ms): %d", n)
	}
}

func TestSDKVersionIsTheUserAgent(t *testing.T) {
	r := newRecorder(t)
	c := newClient(t, WithBaseURL(r.srv.URL), WithSDKVersion("0.24.9"))
	if err := c.HealthCheck(testContext(t)); err != nil {
		t.Fatalf("HealthCheck: %v", err)
	}
	reqs := r.find("")
	if len(reqs) == 0 || !strings.Contains(reqs[0].header.Get("User-Agent"), "Tinker/0.24.9") {
		t.Fatalf("requests %d, User-Agent %q", len(reqs), reqs[0].header.Get("User-Agent"))
	}
}

// WithProxy: the client talks to a host that does not exist through the recorder, which
// receives the request in proxy form (an absolute URI).
func TestProxyCarriesTheRequests(t *testing.T) {
	r := newRecorder(t)
	c := newClient(t, WithBaseURL("http://tinker.invalid"), WithProxy(r.srv.URL), WithMaxRetries(0))
	// The recorder forwards the path to the emulator whatever the host.
	if err := c.HealthCheck(testContext(t)); err != nil {
		t.Fatalf("HealthCheck through the proxy: %v", err)
	}
	reqs := r.find("")
	if len(reqs) == 0 || !strings.HasPrefix(reqs[0].uri, "http://tinker.invalid/") {
		t.Fatalf("proxy saw %d requests, first %+v", len(reqs), reqs)
	}
}

func TestWireModeChangesTheEncoding(t *testing.T) {
	for _, mode := range []WireMode{WireProtobuf, WireJSON} {
		r := newRecorder(t)
		c := newClient(t, WithBaseURL(r.srv.URL), WithWireMode(mode))
		tc := newTrainer(t, c, 1, 1)
		data := []Datum{{
			ModelInput:   TextInput([]int32{104, 105}),
			LossFnInputs: map[string]Tensor{"target_tokens": Int64Tensor([]int64{105, 33})},
		}}
		if _, err := tc.ForwardBackward(testContext(t), data, "cross_entropy", nil); err != nil {
			t.Fatalf("%v: ForwardBackward: %v", mode, err)
		}
		fb := r.find("/forward_backward")
		if len(fb) != 1 {
			t.Fatalf("%v: forward_backward requests: %d", mode, len(fb))
		}
		isJSON := strings.Contains(fb[0].header.Get("Content-Type"), "json")
		if isJSON != (mode == WireJSON) {
			t.Errorf("%v: Content-Type %q", mode, fb[0].header.Get("Content-Type"))
		}
	}
}

func TestResponseAndResultLimits(t *testing.T) {
	ctx := testContext(t)
	small := newClient(t, WithMaxResponseBytes(1))
	if _, err := small.GetServerCapabilities(ctx); CodeOf(err) != StatusResourceExhausted ||
		strings.Contains(err.Error(), "tinker_client_options") {
		t.Errorf("WithMaxResponseBytes(1): GetServerCapabilities: %v", err)
	}
	// Creating a training run polls its result too; the advice names the Go option.
	c := newClient(t, WithMaxResultBytes(1))
	_, err := c.CreateLoraTrainingClient(ctx, tinyModel)
	if CodeOf(err) != StatusResourceExhausted || !strings.Contains(err.Error(), "WithMaxResultBytes") {
		t.Errorf("WithMaxResultBytes(1): CreateLoraTrainingClient: %v", err)
	}
}

// A server that never answers: the default deadline, the connect and request timeouts and the
// retry settings each end the call.
func TestTimeoutsAndRetriesEndCalls(t *testing.T) {
	needEmulator(t)
	var hits int
	var mu sync.Mutex
	stall := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer stall.Close()
	c := newClient(t, WithBaseURL(stall.URL), WithMaxRetries(0), WithRetryBudget(0))
	start := time.Now()
	if err := c.HealthCheck(testContext(t)); err == nil {
		t.Fatal("HealthCheck against a 503 server succeeded")
	}
	mu.Lock()
	if hits != 1 || time.Since(start) > 10*time.Second {
		t.Errorf("WithMaxRetries(0) WithRetryBudget(0): %d requests in %v", hits, time.Since(start))
	}
	mu.Unlock()

	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		select {
		case <-req.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}))
	defer hang.Close()
	defer hang.CloseClientConnections()
	for name, opts := range map[string][]Option{
		"WithDefaultDeadline": {WithDefaultDeadline(200 * time.Millisecond)},
		"WithRequestTimeout":  {WithRequestTimeout(200 * time.Millisecond), WithMaxRetries(0), WithRetryBudget(0)},
	} {
		c := newClient(t, append([]Option{WithBaseURL(hang.URL)}, opts...)...)
		start := time.Now()
		err := c.HealthCheck(testContext(t))
		if err == nil || time.Since(start) > 10*time.Second {
			t.Errorf("%s: HealthCheck against a silent server: %v after %v", name, err, time.Since(start))
		}
	}
}

func TestTLSOptions(t *testing.T) {
	needEmulator(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	ctx := testContext(t)
	quick := []Option{WithBaseURL(srv.URL), WithMaxRetries(0), WithRetryBudget(0)}

	// Not trusted by the system store: refused at once, the message naming the CA option.
	c := newClient(t, quick...)
	err := c.HealthCheck(ctx)
	if CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("HealthCheck against an untrusted certificate: %v", err)
	}
	// Trusted through a CA bundle.
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	var buf bytes.Buffer
	if err := writeCertPEM(&buf, srv.Certificate().Raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(caFile, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	c = newClient(t, append(quick, WithCABundlePath(caFile))...)
	if err := c.HealthCheck(ctx); err != nil {
		t.Errorf("WithCABundlePath(the server's certificate): %v", err)
	}
	// A bundle that does not exist trusts nothing.
	c = newClient(t, append(quick, WithCABundlePath(filepath.Join(t.TempDir(), "none.pem")))...)
	if err := c.HealthCheck(ctx); err == nil {
		t.Errorf("WithCABundlePath(a missing file): HealthCheck succeeded")
	}
	// Verification off.
	c = newClient(t, append(quick, WithVerifyTLS(false))...)
	if err := c.HealthCheck(ctx); err != nil {
		t.Errorf("WithVerifyTLS(false): %v", err)
	}
	c = newClient(t, append(quick, WithVerifyTLS(true))...)
	if err := c.HealthCheck(ctx); CodeOf(err) != StatusFailedPrecondition {
		t.Errorf("WithVerifyTLS(true): %v", err)
	}
}

// Every option refuses a bad value, failing NewServiceClient with a message that names it.
func TestOptionsRefuseBadValuesByName(t *testing.T) {
	cases := []struct {
		name string
		opt  Option
	}{
		{"WithBaseURL", WithBaseURL("ftp://x")},
		{"WithAPIKey", WithAPIKey("tml-a\nb")},
		{"WithRequestTimeout", WithRequestTimeout(0)},
		{"WithConnectTimeout", WithConnectTimeout(-time.Second)},
		{"WithConnectTimeout", WithConnectTimeout(time.Microsecond)},
		{"WithMaxRetries", WithMaxRetries(-1)},
		{"WithRetryBudget", WithRetryBudget(-time.Second)},
		{"WithHeader", WithHeader("bad name", "v")},
		{"WithUserMetadata", WithUserMetadata("k\x00", "v")},
		{"WithSessionProjectID", WithSessionProjectID("p\x00")},
		{"WithTag", WithTag("t\x00")},
		{"WithProxy", WithProxy("http://p\x00")},
		{"WithCABundlePath", WithCABundlePath("/x\x00")},
		{"WithSDKVersion", WithSDKVersion("")},
		{"WithWireMode", WithWireMode(7)},
		{"WithDefaultDeadline", WithDefaultDeadline(-time.Second)},
		{"WithHeartbeatInterval", WithHeartbeatInterval(0)},
		{"WithArchiveRetry", WithArchiveRetry(time.Second, -1)},
		{"WithTracePollInterval", WithTracePollInterval(0)},
		{"WithMaxResultBytes", WithMaxResultBytes(0)},
		{"WithMaxResponseBytes", WithMaxResponseBytes(-1)},
		{"NewServiceClient", Option{}},
	}
	for _, tc := range cases {
		c, err := NewServiceClient(WithAPIKey("tml-test-key-0001"), WithBaseURL("http://127.0.0.1:1"), tc.opt)
		if err == nil {
			c.Close()
			t.Errorf("%s: a bad value was accepted", tc.name)
			continue
		}
		if CodeOf(err) != StatusInvalidArgument || !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func writeCertPEM(w io.Writer, der []byte) error {
	return pem.Encode(w, &pem.Block{Type: "CERTIFICATE", Bytes: der})
}
