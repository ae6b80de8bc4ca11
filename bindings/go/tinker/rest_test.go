package tinker

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Tests of the REST client (R3, R5, R6, R9-R18, R20, R23) against the emulator, of the tinker://
// path helpers, and of AllUserCheckpoints (the other operations: rest_runs_test.go). Tests that count a user's checkpoints use a user of
// their own (a fresh API key: the emulator makes each key a user), so the checkpoints other tests
// save do not show up.

var restUsers atomic.Int64

// freshKey is an API key no other test uses.
func freshKey() string {
	return fmt.Sprintf("tml-go-rest-%d-%d", time.Now().UnixNano(), restUsers.Add(1))
}

// freshUser is a service client of a user of its own.
func freshUser(t *testing.T) *ServiceClient {
	t.Helper()
	return newClient(t, WithAPIKey(freshKey()))
}

func newRest(t *testing.T, c *ServiceClient) *RestClient {
	t.Helper()
	rc, err := c.CreateRestClient()
	if err != nil {
		t.Fatalf("CreateRestClient: %v", err)
	}
	t.Cleanup(rc.Close)
	return rc
}

// cFunction matches the C functions behind the REST client and the path helpers; messages name the
// Go method instead (parameter names such as tinker_path stay).
var cFunction = regexp.MustCompile(`\btinker_((service|rest)_client_\w+|path_(parse|format))\b`)

// statusError asserts that err is an *Error with code want whose message begins with prefix.
func statusError(t *testing.T, what string, err error, want Status, prefix string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != want || !errors.Is(err, want) {
		t.Errorf("%s = %v, want %v", what, err, want)
		return nil
	}
	if !strings.HasPrefix(e.Message, prefix) || cFunction.MatchString(e.Message) {
		t.Errorf("%s: message %q, want it to begin with %q and name no C function", what, e.Message, prefix)
	}
	return e
}

// listed is a run's checkpoints by id (R5).
func listed(t *testing.T, rc *RestClient, runID string) map[string]Checkpoint {
	t.Helper()
	l := must(rc.ListCheckpoints(testContext(t), runID)).ok(t, "ListCheckpoints")
	out := map[string]Checkpoint{}
	for _, c := range l.Checkpoints {
		if _, dup := out[c.CheckpointID]; dup {
			t.Errorf("ListCheckpoints(%s): %s twice in %s", runID, c.CheckpointID, l.JSON)
		}
		out[c.CheckpointID] = c
	}
	return out
}

func checkpointNamed(t *testing.T, rc *RestClient, runID, checkpointID string) Checkpoint {
	t.Helper()
	c, ok := listed(t, rc, runID)[checkpointID]
	if !ok {
		t.Fatalf("ListCheckpoints(%s) has no %s", runID, checkpointID)
	}
	return c
}

func rfc3339(t *testing.T, what, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("%s = %q: not RFC 3339 (%v)", what, s, err)
	}
	return v
}

// restRequests counts the REST requests the emulator has logged (any user).
func restRequests(t *testing.T) int {
	t.Helper()
	var log struct {
		Entries []struct {
			Path string `json:"path"`
		} `json:"entries"`
	}
	emulatorGet(t, "/_emulator/log", &log)
	n := 0
	for _, e := range log.Entries {
		for _, prefix := range []string{"/api/v1/training_runs", "/api/v1/checkpoints", "/api/v1/sessions/",
			"/api/v1/samplers/", "/api/v1/audit", "/api/v1/billing/"} {
			if strings.HasPrefix(e.Path, prefix) {
				n++
				break
			}
		}
	}
	return n
}

// refusal is a call's error and the start of the message it must carry.
type refusal struct {
	err    error
	prefix string
}

// expectRefusedBeforeSending checks that each call failed with StatusInvalidArgument and its
// message, and that no REST request reached the emulator since `before` (restRequests).
func expectRefusedBeforeSending(t *testing.T, before int, refusals []refusal) {
	t.Helper()
	for _, r := range refusals {
		statusError(t, r.prefix, r.err, StatusInvalidArgument, r.prefix)
	}
	if after := restRequests(t); after != before {
		t.Errorf("%d REST requests were sent for malformed arguments", after-before)
	}
}

// asyncErr is the error of an Async call that should fail at once; a future it returned anyway
// is closed.
func asyncErr[T any](f *Future[T], err error) error {
	if err == nil {
		f.Close()
	}
	return err
}

// ---- tinker:// paths (no server) ----------------------------------------------------------------

func TestParseTinkerPathSplitsItsParts(t *testing.T) {
	for _, tt := range []struct {
		path string
		want TinkerPath
	}{
		{"tinker://run-1/weights/0001", TinkerPath{"run-1", "training", "weights/0001", "0001"}},
		{"tinker://s:train:0/sampler_weights/final", TinkerPath{"s:train:0", "sampler", "sampler_weights/final", "final"}},
	} {
		got, err := ParseTinkerPath(tt.path)
		if err != nil || got != tt.want {
			t.Errorf("ParseTinkerPath(%q) = (%+v, %v), want %+v", tt.path, got, err, tt.want)
			continue
		}
		// The parts make the path again, from the kind or from the checkpoint type.
		kind := strings.Split(got.CheckpointID, "/")[0]
		for _, k := range []string{kind, got.CheckpointType} {
			if p, err := FormatTinkerPath(got.TrainingRunID, k, got.Name); err != nil || p != tt.path {
				t.Errorf("FormatTinkerPath(%q, %q, %q) = (%q, %v), want %q", got.TrainingRunID, k, got.Name, p, err, tt.path)
			}
		}
	}
}

func TestMalformedTinkerPathsAreInvalidArguments(t *testing.T) {
	for _, path := range []string{"", "tinker://", "tinker://run", "tinker://run/weights", "tinker://run/weights/",
		"tinker:///weights/a", "tinker://run/other/a", "tinker://run/weights/a/b", "http://run/weights/a",
		"run/weights/a", "tinker://run/weights/a\x00b"} {
		_, err := ParseTinkerPath(path)
		statusError(t, fmt.Sprintf("ParseTinkerPath(%q)", path), err, StatusInvalidArgument, "ParseTinkerPath: ")
	}
	for _, parts := range [][3]string{{"", "weights", "a"}, {"run", "", "a"}, {"run", "weights", ""},
		{"r/un", "weights", "a"}, {"run", "weights", "a/b"}, {"run", "checkpoints", "a"}, {"run", "weights", "a\x00"}} {
		_, err := FormatTinkerPath(parts[0], parts[1], parts[2])
		statusError(t, fmt.Sprintf("FormatTinkerPath%q", parts), err, StatusInvalidArgument, "FormatTinkerPath: ")
	}
}

// ---- the client itself --------------------------------------------------------------------------

func TestRestClientLifetime(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	// It shares the runtime: closing the service client leaves it working.
	c.Close()
	l := must(rc.ListUserCheckpoints(testContext(t))).ok(t, "ListUserCheckpoints after ServiceClient.Close")
	if len(l.Checkpoints) != 0 || l.TotalCount != 0 {
		t.Errorf("a new user's checkpoints: %s", l.JSON)
	}
	if _, err := c.CreateRestClient(); CodeOf(err) != StatusFailedPrecondition ||
		errorMessage(err) != "ServiceClient.CreateRestClient: use of a closed libtinker handle" {
		t.Errorf("CreateRestClient on a closed client = %v", err)
	}
	rc.Close()
	rc.Close()
	if _, err := rc.ListUserCheckpoints(testContext(t)); CodeOf(err) != StatusFailedPrecondition ||
		errorMessage(err) != "RestClient.ListUserCheckpoints: use of a closed libtinker handle" {
		t.Errorf("ListUserCheckpoints on a closed client = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newRest(t, newClient(t)).ListUserCheckpoints(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ListUserCheckpoints(cancelled ctx) = %v, want context.Canceled", err)
	}
}

// Malformed ids, paths, TTLs and pages fail in the call itself, in both forms, naming the method,
// and send nothing.
func TestMalformedRestArgumentsAreRefusedBeforeAnythingIsSent(t *testing.T) {
	rc := newRest(t, newClient(t))
	ctx := testContext(t)
	before := restRequests(t)
	expectRefusedBeforeSending(t, before, []refusal{
		{errOf(rc.ListCheckpoints(ctx, "")), "RestClient.ListCheckpoints: training_run_id is empty"},
		{asyncErr(rc.ListCheckpointsAsync("run\x00x")), "RestClient.ListCheckpointsAsync: training_run_id holds a NUL byte at 3"},
		{errOf(rc.ListUserCheckpoints(ctx, WithLimit(0))), "RestClient.ListUserCheckpoints: limit "},
		{asyncErr(rc.ListUserCheckpointsAsync(WithLimit(-3))), "RestClient.ListUserCheckpointsAsync: limit "},
		{errOf(rc.ListUserCheckpoints(ctx, WithOffset(-1))), "RestClient.ListUserCheckpoints: offset "},
		{errOf(rc.ListUserCheckpoints(ctx, WithTTL(time.Hour))),
			"RestClient.ListUserCheckpoints does not take WithTTL (it takes: WithLimit, WithOffset)"},
		{rc.DeleteCheckpoint(ctx, "run", "other/a"), "RestClient.DeleteCheckpoint: checkpoint_id must be weights/<name> or sampler_weights/<name>"},
		{rc.DeleteCheckpoint(ctx, "run", "weights/"), "RestClient.DeleteCheckpoint: checkpoint_id "},
		{rc.DeleteCheckpoint(ctx, "run", "weights/a/b"), "RestClient.DeleteCheckpoint: checkpoint_id "},
		{rc.DeleteCheckpoint(ctx, "", "weights/a"), "RestClient.DeleteCheckpoint: training_run_id is empty"},
		{rc.DeleteCheckpoint(ctx, "run", "weights/a\x00b"), "RestClient.DeleteCheckpoint: checkpoint_id holds a NUL byte at 9"},
		{asyncErr(rc.DeleteCheckpointAsync("run", "weights")), "RestClient.DeleteCheckpointAsync: checkpoint_id "},
		{rc.DeleteCheckpointFromTinkerPath(ctx, "tinker://run/weights"),
			"RestClient.DeleteCheckpointFromTinkerPath: tinker_path is not a checkpoint's tinker:// path"},
		{rc.DeleteCheckpointFromTinkerPath(ctx, "tinker://run/weights/a\x00/b"),
			"RestClient.DeleteCheckpointFromTinkerPath: tinker_path holds a NUL byte at 22"},
		{asyncErr(rc.DeleteCheckpointFromTinkerPathAsync("http://run/weights/a")), "RestClient.DeleteCheckpointFromTinkerPathAsync: tinker_path "},
		{rc.PublishCheckpoint(ctx, "run", "sampler_weights"), "RestClient.PublishCheckpoint: checkpoint_id "},
		{asyncErr(rc.PublishCheckpointAsync("", "weights/a")), "RestClient.PublishCheckpointAsync: training_run_id is empty"},
		{rc.PublishCheckpointFromTinkerPath(ctx, "tinker://run/other/a"), "RestClient.PublishCheckpointFromTinkerPath: tinker_path "},
		{asyncErr(rc.PublishCheckpointFromTinkerPathAsync("tinker:///weights/a")), "RestClient.PublishCheckpointFromTinkerPathAsync: tinker_path "},
		{rc.UnpublishCheckpoint(ctx, "run", "x"), "RestClient.UnpublishCheckpoint: checkpoint_id "},
		{asyncErr(rc.UnpublishCheckpointAsync("run", "")), "RestClient.UnpublishCheckpointAsync: checkpoint_id "},
		{rc.UnpublishCheckpointFromTinkerPath(ctx, "tinker://run/weights/a/b"), "RestClient.UnpublishCheckpointFromTinkerPath: tinker_path "},
		{asyncErr(rc.UnpublishCheckpointFromTinkerPathAsync("")), "RestClient.UnpublishCheckpointFromTinkerPathAsync: tinker_path "},
		{rc.SetCheckpointTtlFromTinkerPath(ctx, "tinker://run", time.Hour), "RestClient.SetCheckpointTtlFromTinkerPath: tinker_path "},
		{asyncErr(rc.SetCheckpointTtlFromTinkerPathAsync("tinker://run/weights/a", -time.Second)),
			"RestClient.SetCheckpointTtlFromTinkerPathAsync: ttl -1s is negative"},
		{rc.AssignSessionProject(ctx, "", "p"), "RestClient.AssignSessionProject: session_id is empty"},
		{asyncErr(rc.AssignSessionProjectAsync("s", "")), "RestClient.AssignSessionProjectAsync: project_id is empty"},
		{errOf(rc.GetSampler(ctx, "")), "RestClient.GetSampler: sampler_id is empty"},
		{asyncErr(rc.GetSamplerAsync("a\x00")), "RestClient.GetSamplerAsync: sampler_id holds a NUL byte at 1"},
	})
}

// ---- checkpoints ----------------------------------------------------------------------------------

// R5: a run's two checkpoints, blocking and async, with every field.
func TestListCheckpointsOfARun(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	tc := newTrainer(t, c, 4, 81)
	ctx := testContext(t)
	state := must(tc.SaveState(ctx, "state-a", WithTTL(time.Hour))).ok(t, "SaveState")
	sampler := must(tc.SaveWeightsForSampler(ctx, "sampler-b")).ok(t, "SaveWeightsForSampler")
	start := time.Now()

	blocking := must(rc.ListCheckpoints(ctx, tc.ModelID())).ok(t, "ListCheckpoints")
	async := awaited(rc.ListCheckpointsAsync(tc.ModelID())).ok(t, "ListCheckpointsAsync")
	for _, l := range []*CheckpointList{blocking, async} {
		if len(l.Checkpoints) != 2 || l.JSON == "" {
			t.Fatalf("ListCheckpoints: %s, want the 2 checkpoints", l.JSON)
		}
		if l.TotalCount != -1 && l.TotalCount != 2 {
			t.Errorf("TotalCount %d in %s", l.TotalCount, l.JSON)
		}
		byID := map[string]Checkpoint{}
		for _, cp := range l.Checkpoints {
			byID[cp.CheckpointID] = cp
		}
		for _, want := range []struct {
			id, kind, path string
			expires        bool
		}{
			{"weights/state-a", "training", state.Path, true},
			{"sampler_weights/sampler-b", "sampler", sampler.Path, false},
		} {
			cp, ok := byID[want.id]
			if !ok {
				t.Errorf("no %s in %s", want.id, l.JSON)
				continue
			}
			if cp.CheckpointType != want.kind || cp.TinkerPath != want.path || cp.IsPublic {
				t.Errorf("%s: %+v, want type %s, path %s, private", want.id, cp, want.kind, want.path)
			}
			if cp.SizeBytes == 0 || cp.SizeBytes < -1 {
				t.Errorf("%s: SizeBytes %d", want.id, cp.SizeBytes)
			}
			if saved := rfc3339(t, want.id+" Time", cp.Time); saved.After(start.Add(time.Minute)) || saved.Before(start.Add(-5*time.Minute)) {
				t.Errorf("%s: saved at %v, the test ran at %v", want.id, saved, start)
			}
			if want.expires != (cp.ExpiresAt != "") {
				t.Errorf("%s: ExpiresAt %q (saved with a TTL: %v)", want.id, cp.ExpiresAt, want.expires)
			} else if want.expires {
				if at := rfc3339(t, want.id+" ExpiresAt", cp.ExpiresAt); at.Before(start.Add(50*time.Minute)) || at.After(start.Add(70*time.Minute)) {
					t.Errorf("%s: expires at %v, saved with a TTL of 1h at about %v", want.id, at, start)
				}
			}
			// The server's path and ids agree with ParseTinkerPath.
			if p, err := ParseTinkerPath(cp.TinkerPath); err != nil || p.TrainingRunID != tc.ModelID() ||
				p.CheckpointID != cp.CheckpointID || p.CheckpointType != cp.CheckpointType {
				t.Errorf("ParseTinkerPath(%q) = (%+v, %v), listed as %+v", cp.TinkerPath, p, err, cp)
			}
		}
	}
	// Another user sees nothing of it.
	other := newRest(t, freshUser(t))
	_, err := other.ListCheckpoints(ctx, tc.ModelID())
	statusError(t, "another user's ListCheckpoints", err, StatusNotFound, "")
}

// R6: pages of a user's checkpoints, newest first, with their cursor.
func TestListUserCheckpointsPages(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	paths := saveFive(t, c)
	ctx := testContext(t)

	all := must(rc.ListUserCheckpoints(ctx)).ok(t, "ListUserCheckpoints")
	if all.Offset != 0 || all.Limit != 100 || all.TotalCount != 5 || len(all.Checkpoints) != 5 {
		t.Fatalf("ListUserCheckpoints() (defaults: limit 100, offset 0): offset %d, limit %d, total %d, %d checkpoints: %s",
			all.Offset, all.Limit, all.TotalCount, len(all.Checkpoints), all.JSON)
	}
	checkNewestFirst(t, all.Checkpoints, paths)

	var paged []Checkpoint
	for _, page := range []struct{ offset, n int }{{0, 2}, {2, 2}, {4, 1}, {5, 0}, {9, 0}} {
		l := must(rc.ListUserCheckpoints(ctx, WithLimit(2), WithOffset(page.offset))).ok(t, "ListUserCheckpoints(page)")
		if len(l.Checkpoints) != page.n || l.Offset != int64(page.offset) || l.Limit != 2 || l.TotalCount != 5 {
			t.Errorf("page at %d: %d checkpoints, cursor offset %d limit %d total %d; want %d, %d, 2, 5",
				page.offset, len(l.Checkpoints), l.Offset, l.Limit, l.TotalCount, page.n, page.offset)
		}
		paged = append(paged, l.Checkpoints...)
	}
	samePaths(t, "the pages of 2", paged, all.Checkpoints)
	mid := awaited(rc.ListUserCheckpointsAsync(WithOffset(1), WithLimit(3))).ok(t, "ListUserCheckpointsAsync")
	if mid.Offset != 1 || mid.Limit != 3 || mid.TotalCount != 5 {
		t.Errorf("ListUserCheckpointsAsync(offset 1, limit 3): %s", mid.JSON)
	}
	samePaths(t, "ListUserCheckpointsAsync(offset 1, limit 3)", mid.Checkpoints, all.Checkpoints[1:4])
}

// saveFive saves three training and two sampler checkpoints on a new run, one after the other,
// and returns their paths in save order.
func saveFive(t *testing.T, c *ServiceClient) []string {
	t.Helper()
	tc := newTrainer(t, c, 4, 82)
	ctx := testContext(t)
	var paths []string
	for i := 0; i < 5; i++ {
		var r *SaveResult
		if i < 3 {
			r = must(tc.SaveState(ctx, fmt.Sprintf("p%d", i))).ok(t, "SaveState")
		} else {
			r = must(tc.SaveWeightsForSampler(ctx, fmt.Sprintf("p%d", i))).ok(t, "SaveWeightsForSampler")
		}
		paths = append(paths, r.Path)
	}
	return paths
}

// checkNewestFirst: list holds exactly the saved paths, its times never increase.
func checkNewestFirst(t *testing.T, list []Checkpoint, saved []string) {
	t.Helper()
	want := map[string]bool{}
	for _, p := range saved {
		want[p] = true
	}
	for i, cp := range list {
		if !want[cp.TinkerPath] {
			t.Errorf("listed %s, which was not saved (or twice)", cp.TinkerPath)
		}
		delete(want, cp.TinkerPath)
		if i > 0 && rfc3339(t, "Time", cp.Time).After(rfc3339(t, "Time", list[i-1].Time)) {
			t.Errorf("%s (%s) listed after the older %s (%s): want newest first", cp.TinkerPath, cp.Time,
				list[i-1].TinkerPath, list[i-1].Time)
		}
	}
	for p := range want {
		t.Errorf("%s was not listed", p)
	}
}

func samePaths(t *testing.T, what string, got, want []Checkpoint) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d checkpoints, want %d", what, len(got), len(want))
		return
	}
	for i := range got {
		if got[i].TinkerPath != want[i].TinkerPath {
			t.Errorf("%s: [%d] is %s, want %s", what, i, got[i].TinkerPath, want[i].TinkerPath)
		}
	}
}

// userCheckpointRequests counts the R6 requests the emulator has logged (any user), whether or not
// its log keeps the query in the path.
func userCheckpointRequests(t *testing.T) int {
	t.Helper()
	var log struct {
		Entries []struct {
			Path string `json:"path"`
		} `json:"entries"`
	}
	emulatorGet(t, "/_emulator/log", &log)
	n := 0
	for _, e := range log.Entries {
		if e.Path == "/api/v1/checkpoints" || strings.HasPrefix(e.Path, "/api/v1/checkpoints?") {
			n++
		}
	}
	return n
}

// AllUserCheckpoints pages through everything with as few requests as the count allows.
func TestAllUserCheckpointsIterates(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	paths := saveFive(t, c)
	ctx := testContext(t)
	all := must(rc.ListUserCheckpoints(ctx)).ok(t, "ListUserCheckpoints")

	for _, tt := range []struct{ pageSize, requests int }{{2, 3}, {1, 5}, {5, 1}, {0, 1}, {100, 1}} {
		before := userCheckpointRequests(t)
		var got []Checkpoint
		it := rc.AllUserCheckpoints(ctx, tt.pageSize)
		for it.Next() {
			got = append(got, it.Checkpoint())
		}
		if err := it.Err(); err != nil {
			t.Errorf("pages of %d: %v", tt.pageSize, err)
		}
		if it.Next() {
			t.Errorf("pages of %d: Next after the end", tt.pageSize)
		}
		samePaths(t, fmt.Sprintf("pages of %d", tt.pageSize), got, all.Checkpoints)
		if n := userCheckpointRequests(t) - before; n != tt.requests {
			t.Errorf("pages of %d: %d requests, want %d", tt.pageSize, n, tt.requests)
		}
	}
	checkNewestFirst(t, all.Checkpoints, paths)

	it := rc.AllUserCheckpoints(ctx, -1)
	if it.Next() {
		t.Errorf("pages of -1: Next = true")
	}
	statusError(t, "pages of -1", it.Err(), StatusInvalidArgument, "RestClient.AllUserCheckpoints: limit ")

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	it = rc.AllUserCheckpoints(cancelled, 2)
	if it.Next() || !errors.Is(it.Err(), context.Canceled) {
		t.Errorf("cancelled ctx: Err = %v, want context.Canceled", it.Err())
	}

	// A checkpoint saved during the iteration shifts the later pages: what was yielded already
	// is not yielded again, and nothing saved before is missed.
	it = rc.AllUserCheckpoints(ctx, 2)
	if !it.Next() {
		t.Fatalf("first Next: %v", it.Err())
	}
	seen := map[string]int{it.Checkpoint().TinkerPath: 1}
	tc := newTrainer(t, c, 4, 83)
	must(tc.SaveState(ctx, "during")).ok(t, "SaveState during the iteration")
	for it.Next() {
		seen[it.Checkpoint().TinkerPath]++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if seen[p] != 1 {
			t.Errorf("%s yielded %d times, want once", p, seen[p])
		}
	}
}

// R11-R14: publish, publish again (409), unpublish, unpublish again (409), each form.
func TestPublishAndUnpublish(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	tc := newTrainer(t, c, 4, 84)
	ctx := testContext(t)
	path := must(tc.SaveState(ctx, "pub")).ok(t, "SaveState").Path
	run, id := tc.ModelID(), "weights/pub"
	done := func(f *Future[struct{}], err error) error { return awaited(f, err).err }
	// Each step runs when the loop reaches it, so that the list after it shows its effect.
	for _, step := range []struct {
		what   string
		call   func() error
		public bool // afterwards
	}{
		{"PublishCheckpoint", func() error { return rc.PublishCheckpoint(ctx, run, id) }, true},
		{"PublishCheckpointAsync again", func() error { return done(rc.PublishCheckpointAsync(run, id)) }, true},
		{"PublishCheckpointFromTinkerPath again", func() error { return rc.PublishCheckpointFromTinkerPath(ctx, path) }, true},
		{"UnpublishCheckpoint", func() error { return rc.UnpublishCheckpoint(ctx, run, id) }, false},
		{"UnpublishCheckpointAsync again", func() error { return done(rc.UnpublishCheckpointAsync(run, id)) }, false},
		{"PublishCheckpointAsync", func() error { return done(rc.PublishCheckpointAsync(run, id)) }, true},
		{"PublishCheckpoint again", func() error { return rc.PublishCheckpoint(ctx, run, id) }, true},
		{"UnpublishCheckpointAsync", func() error { return done(rc.UnpublishCheckpointAsync(run, id)) }, false},
		{"UnpublishCheckpointFromTinkerPath again", func() error { return rc.UnpublishCheckpointFromTinkerPath(ctx, path) }, false},
		{"PublishCheckpointFromTinkerPath", func() error { return rc.PublishCheckpointFromTinkerPath(ctx, path) }, true},
		{"PublishCheckpointFromTinkerPathAsync again", func() error { return done(rc.PublishCheckpointFromTinkerPathAsync(path)) }, true},
		{"UnpublishCheckpointFromTinkerPath", func() error { return rc.UnpublishCheckpointFromTinkerPath(ctx, path) }, false},
		{"UnpublishCheckpointFromTinkerPathAsync again", func() error { return done(rc.UnpublishCheckpointFromTinkerPathAsync(path)) }, false},
		{"PublishCheckpointFromTinkerPathAsync", func() error { return done(rc.PublishCheckpointFromTinkerPathAsync(path)) }, true},
		{"UnpublishCheckpointFromTinkerPathAsync", func() error { return done(rc.UnpublishCheckpointFromTinkerPathAsync(path)) }, false},
	} {
		err := step.call()
		if strings.HasSuffix(step.what, " again") {
			if e := statusError(t, step.what, err, StatusAlreadyExists, ""); e != nil && e.HTTPStatus != 409 {
				t.Errorf("%s: HTTP status %d, want 409", step.what, e.HTTPStatus)
			}
		} else if err != nil {
			t.Errorf("%s: %v", step.what, err)
		}
		if got := checkpointNamed(t, rc, run, id).IsPublic; got != step.public {
			t.Errorf("after %s: IsPublic = %v, want %v", step.what, got, step.public)
		}
	}
	// Another user can neither publish nor unpublish it.
	other := newRest(t, freshUser(t))
	statusError(t, "another user's PublishCheckpointFromTinkerPath", other.PublishCheckpointFromTinkerPath(ctx, path), StatusNotFound, "")
	statusError(t, "another user's UnpublishCheckpoint", other.UnpublishCheckpoint(ctx, run, id), StatusNotFound, "")
	if checkpointNamed(t, rc, run, id).IsPublic {
		t.Errorf("another user published it")
	}
}

// R15: a TTL set, then removed (expires_at back to none), in both forms.
func TestSetAndRemoveACheckpointTTL(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	tc := newTrainer(t, c, 4, 85)
	ctx := testContext(t)
	path := must(tc.SaveWeightsForSampler(ctx, "ttl")).ok(t, "SaveWeightsForSampler").Path
	run, id := tc.ModelID(), "sampler_weights/ttl"
	if e := checkpointNamed(t, rc, run, id).ExpiresAt; e != "" {
		t.Fatalf("saved without a TTL, but ExpiresAt = %q", e)
	}
	expiresIn := func(what string, d time.Duration) {
		t.Helper()
		at := checkpointNamed(t, rc, run, id).ExpiresAt
		if at == "" {
			t.Errorf("after %s: no ExpiresAt", what)
			return
		}
		if left := time.Until(rfc3339(t, "ExpiresAt", at)); left < d-2*time.Minute || left > d+2*time.Minute {
			t.Errorf("after %s: expires in %v (at %s), want about %v", what, left, at, d)
		}
	}
	neverExpires := func(what string) {
		t.Helper()
		if at := checkpointNamed(t, rc, run, id).ExpiresAt; at != "" {
			t.Errorf("after %s: ExpiresAt = %q, want none", what, at)
		}
	}
	if err := rc.SetCheckpointTtlFromTinkerPath(ctx, path, 2*time.Hour); err != nil {
		t.Fatalf("SetCheckpointTtlFromTinkerPath(2h): %v", err)
	}
	expiresIn("SetCheckpointTtlFromTinkerPath(2h)", 2*time.Hour)
	if err := rc.SetCheckpointTtlFromTinkerPath(ctx, path, 0); err != nil {
		t.Fatalf("SetCheckpointTtlFromTinkerPath(0): %v", err)
	}
	neverExpires("SetCheckpointTtlFromTinkerPath(0)")
	awaited(rc.SetCheckpointTtlFromTinkerPathAsync(path, 30*time.Minute)).ok(t, "SetCheckpointTtlFromTinkerPathAsync(30m)")
	expiresIn("SetCheckpointTtlFromTinkerPathAsync(30m)", 30*time.Minute)
	awaited(rc.SetCheckpointTtlFromTinkerPathAsync(path, 0)).ok(t, "SetCheckpointTtlFromTinkerPathAsync(0)")
	neverExpires("SetCheckpointTtlFromTinkerPathAsync(0)")

	err := newRest(t, freshUser(t)).SetCheckpointTtlFromTinkerPath(ctx, path, time.Hour)
	statusError(t, "another user's SetCheckpointTtlFromTinkerPath", err, StatusNotFound, "")
	neverExpires("another user's SetCheckpointTtlFromTinkerPath")
	err = rc.SetCheckpointTtlFromTinkerPath(ctx, "tinker://"+run+"/sampler_weights/no-such", time.Hour)
	statusError(t, "SetCheckpointTtlFromTinkerPath(unknown)", err, StatusNotFound, "")
}

// R9, R10: each form deletes; the list no longer has it; deleting again is not found.
func TestDeleteCheckpoints(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	tc := newTrainer(t, c, 4, 86)
	ctx := testContext(t)
	paths := map[string]string{}
	for _, name := range []string{"d1", "d2"} {
		paths["weights/"+name] = must(tc.SaveState(ctx, name)).ok(t, "SaveState").Path
	}
	for _, name := range []string{"d3", "d4"} {
		paths["sampler_weights/"+name] = must(tc.SaveWeightsForSampler(ctx, name)).ok(t, "SaveWeightsForSampler").Path
	}
	run := tc.ModelID()
	if n := len(listed(t, rc, run)); n != 4 {
		t.Fatalf("%d checkpoints listed, want 4", n)
	}

	other := newRest(t, freshUser(t))
	statusError(t, "another user's DeleteCheckpointFromTinkerPath", other.DeleteCheckpointFromTinkerPath(ctx, paths["weights/d1"]),
		StatusNotFound, "")
	statusError(t, "another user's DeleteCheckpoint", other.DeleteCheckpoint(ctx, run, "weights/d1"), StatusNotFound, "")

	for i, step := range []struct {
		id   string
		call func() error
	}{
		{"weights/d1", func() error { return rc.DeleteCheckpoint(ctx, run, "weights/d1") }},
		{"weights/d2", func() error { return awaited(rc.DeleteCheckpointAsync(run, "weights/d2")).err }},
		{"sampler_weights/d3", func() error { return rc.DeleteCheckpointFromTinkerPath(ctx, paths["sampler_weights/d3"]) }},
		{"sampler_weights/d4", func() error {
			return awaited(rc.DeleteCheckpointFromTinkerPathAsync(paths["sampler_weights/d4"])).err
		}},
	} {
		if err := step.call(); err != nil {
			t.Errorf("deleting %s: %v", step.id, err)
		}
		// Gone, and only it: the ones not deleted yet are still there.
		if left := listed(t, rc, run); len(left) != 3-i {
			t.Errorf("after deleting %s: %d left, want %d", step.id, len(left), 3-i)
		} else if _, still := left[step.id]; still {
			t.Errorf("%s is still listed after its deletion", step.id)
		}
	}
	if n := len(listed(t, rc, run)); n != 0 {
		t.Errorf("%d checkpoints left", n)
	}
	if e := statusError(t, "DeleteCheckpoint again", rc.DeleteCheckpoint(ctx, run, "weights/d1"), StatusNotFound, ""); e != nil &&
		e.HTTPStatus != 404 {
		t.Errorf("DeleteCheckpoint again: HTTP status %d, want 404", e.HTTPStatus)
	}
	statusError(t, "DeleteCheckpointFromTinkerPath again", rc.DeleteCheckpointFromTinkerPath(ctx, paths["sampler_weights/d3"]),
		StatusNotFound, "")
	// A deleted training checkpoint cannot be loaded.
	if err := errOf(tc.LoadState(ctx, paths["weights/d1"])); err == nil {
		t.Errorf("LoadState of a deleted checkpoint succeeded")
	}
}

// ---- samplers, sessions, whoami ------------------------------------------------------------------

// R20: the sampler of SaveWeightsAndGetSamplingClient (an ephemeral checkpoint of the run), of a
// named sampler checkpoint and of a base model.
func TestGetSampler(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 87)
	sc := must(tc.SaveWeightsAndGetSamplingClient(ctx)).ok(t, "SaveWeightsAndGetSamplingClient")
	defer sc.Close()
	s := must(rc.GetSampler(ctx, sc.SamplingSessionID())).ok(t, "GetSampler")
	if s.SamplerID != sc.SamplingSessionID() || s.BaseModel != tinyModel || s.JSON == "" {
		t.Errorf("GetSampler(%s) = %+v, want that id and base model %s", sc.SamplingSessionID(), s, tinyModel)
	}
	if p, err := ParseTinkerPath(s.ModelPath); err != nil || p.TrainingRunID != tc.ModelID() || p.CheckpointType != "sampler" {
		t.Errorf("GetSampler: model path %q (%+v, %v), want a sampler checkpoint of %s", s.ModelPath, p, err, tc.ModelID())
	}

	saved := must(tc.SaveWeightsForSampler(ctx, "for-get-sampler")).ok(t, "SaveWeightsForSampler")
	named := must(c.CreateSamplingClient(ctx, WithModelPath(saved.Path))).ok(t, "CreateSamplingClient(WithModelPath)")
	defer named.Close()
	base := must(c.CreateSamplingClient(ctx, WithBaseModel(tinyModel))).ok(t, "CreateSamplingClient(WithBaseModel)")
	defer base.Close()
	for _, tt := range []struct {
		sc   *SamplingClient
		path string
	}{{named, saved.Path}, {base, ""}} {
		s := awaited(rc.GetSamplerAsync(tt.sc.SamplingSessionID())).ok(t, "GetSamplerAsync")
		if s.SamplerID != tt.sc.SamplingSessionID() || s.BaseModel != tinyModel || s.ModelPath != tt.path {
			t.Errorf("GetSamplerAsync(%s) = %+v, want model path %q", tt.sc.SamplingSessionID(), s, tt.path)
		}
	}

	_, err := rc.GetSampler(ctx, "no-such-sampler")
	statusError(t, "GetSampler(unknown)", err, StatusNotFound, "")
	_, err = newRest(t, freshUser(t)).GetSampler(ctx, sc.SamplingSessionID())
	statusError(t, "another user's GetSampler", err, StatusNotFound, "")
}

// R18: the emulator's session shows the project assigned, each form.
func TestAssignSessionProject(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	if err := c.StartSession(ctx); err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	session := c.SessionID()
	projectOf := func() string {
		var s struct {
			Sessions []struct {
				SessionID string  `json:"session_id"`
				ProjectID *string `json:"project_id"`
			} `json:"sessions"`
		}
		emulatorGet(t, "/_emulator/sessions", &s)
		for _, e := range s.Sessions {
			if e.SessionID == session {
				if e.ProjectID == nil {
					return ""
				}
				return *e.ProjectID
			}
		}
		t.Fatalf("the emulator has no session %s", session)
		return ""
	}
	if err := rc.AssignSessionProject(ctx, session, "go-project-a"); err != nil {
		t.Fatalf("AssignSessionProject: %v", err)
	}
	if p := projectOf(); p != "go-project-a" {
		t.Errorf("after AssignSessionProject: project %q", p)
	}
	awaited(rc.AssignSessionProjectAsync(session, "go-project-b")).ok(t, "AssignSessionProjectAsync")
	if p := projectOf(); p != "go-project-b" {
		t.Errorf("after AssignSessionProjectAsync: project %q", p)
	}
	statusError(t, "AssignSessionProject(unknown session)", rc.AssignSessionProject(ctx, "no-such-session", "p"),
		StatusNotFound, "")
}

// R23 with a plain API key: there is no identity to tell.
func TestWhoamiWithoutJWTIsUnimplemented(t *testing.T) {
	rc := newRest(t, newClient(t))
	_, err := rc.Whoami(testContext(t))
	statusError(t, "Whoami", err, StatusUnimplemented, "")
	err = awaited(rc.WhoamiAsync()).err
	statusError(t, "WhoamiAsync", err, StatusUnimplemented, "")
}

// R23 when the server uses JWTs: the user's URN and email, the same in both forms, one per user.
func TestWhoamiInJWTMode(t *testing.T) {
	needEmulator(t)
	emulatorPost(t, "/_emulator/config", `{"client_config": {"pjwt_auth_enabled": true}}`)
	t.Cleanup(func() { emulatorPost(t, "/_emulator/config", `{"client_config": {"pjwt_auth_enabled": null}}`) })
	ctx := testContext(t)
	key := freshKey()
	rc := newRest(t, newClient(t, WithAPIKey(key)))
	who := must(rc.Whoami(ctx)).ok(t, "Whoami")
	if who.UserURN == "" || who.Email == "" || who.JSON == "" {
		t.Errorf("Whoami = %+v, want the JWT's sub and email", who)
	}
	again := awaited(rc.WhoamiAsync()).ok(t, "WhoamiAsync")
	if again.UserURN != who.UserURN || again.Email != who.Email {
		t.Errorf("WhoamiAsync = %+v, Whoami = %+v", again, who)
	}
	// Another key is another user; the same key from another client is the same one.
	other := must(newRest(t, freshUser(t)).Whoami(ctx)).ok(t, "Whoami (another user)")
	if other.UserURN == who.UserURN {
		t.Errorf("two users, one URN %q", who.UserURN)
	}
	same := must(newRest(t, newClient(t, WithAPIKey(key))).Whoami(ctx)).ok(t, "Whoami (the same key, another client)")
	if same.UserURN != who.UserURN {
		t.Errorf("one key, two URNs: %q and %q", who.UserURN, same.UserURN)
	}
	// The client works in JWT mode: the REST calls authenticate with the JWT.
	must(rc.ListUserCheckpoints(ctx)).ok(t, "ListUserCheckpoints in JWT mode")
}

// ---- weights info and sessions (R3, R16, R17) ----------------------------------------------------

// R3: a checkpoint's weights as the run saved them (rank, and the layers its LoRA config trains:
// one turned off so that false is seen too), in both forms; a malformed path is refused before
// anything is sent; another user's private checkpoint is not found.
func TestGetWeightsInfoOfASavedCheckpoint(t *testing.T) {
	c := newClient(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	lora := DefaultLoraConfig().WithSeed(88)
	lora.Rank = 4
	lora.TrainMLP = false
	tc := must(c.CreateLoraTrainingClient(ctx, tinyModel, WithLora(lora))).ok(t, "CreateLoraTrainingClient")
	t.Cleanup(tc.Close)
	path := must(tc.SaveState(ctx, "info")).ok(t, "SaveState").Path

	blocking := must(rc.GetWeightsInfoByTinkerPath(ctx, path)).ok(t, "GetWeightsInfoByTinkerPath")
	async := awaited(rc.GetWeightsInfoByTinkerPathAsync(path)).ok(t, "GetWeightsInfoByTinkerPathAsync")
	for _, info := range []*WeightsInfo{blocking, async} {
		if info.BaseModel != tinyModel || !info.IsLoRA || info.LoRARank != 4 || info.JSON == "" {
			t.Errorf("weights info of %s: %+v, want base model %s, LoRA of rank 4", path, info, tinyModel)
		}
		for _, f := range []struct {
			name string
			got  *bool
			want bool
		}{{"TrainUnembed", info.TrainUnembed, true}, {"TrainMLP", info.TrainMLP, false}, {"TrainAttn", info.TrainAttn, true}} {
			if f.got == nil || *f.got != f.want {
				t.Errorf("%s = %v, want %v (as saved): %s", f.name, f.got, f.want, info.JSON)
			}
		}
	}

	before := restRequests(t)
	_, err := rc.GetWeightsInfoByTinkerPath(ctx, "tinker://"+tc.ModelID()+"/weights")
	statusError(t, "GetWeightsInfoByTinkerPath(malformed)", err, StatusInvalidArgument,
		"RestClient.GetWeightsInfoByTinkerPath: tinker_path ")
	statusError(t, "GetWeightsInfoByTinkerPathAsync(NUL)", asyncErr(rc.GetWeightsInfoByTinkerPathAsync(path+"\x00")),
		StatusInvalidArgument, "RestClient.GetWeightsInfoByTinkerPathAsync: tinker_path holds a NUL byte")
	if after := restRequests(t); after != before {
		t.Errorf("%d REST requests were sent for malformed paths", after-before)
	}
	_, err = newRest(t, freshUser(t)).GetWeightsInfoByTinkerPath(ctx, path)
	statusError(t, "another user's GetWeightsInfoByTinkerPath", err, StatusNotFound, "")
}

// R16: the service client's session holds the run and the sampler made in it, in both forms and
// both scopes; an unknown session is not found; a bad scope is refused before anything is sent.
func TestGetSessionListsItsRunAndSampler(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 89)
	sc := must(tc.SaveWeightsAndGetSamplingClient(ctx)).ok(t, "SaveWeightsAndGetSamplingClient")
	defer sc.Close()
	session := c.SessionID()
	if session == "" {
		t.Fatalf("no session id after creating a training client")
	}
	for what, s := range map[string]*Session{
		"GetSession":             must(rc.GetSession(ctx, session)).ok(t, "GetSession"),
		"GetSessionAsync":        awaited(rc.GetSessionAsync(session)).ok(t, "GetSessionAsync"),
		"GetSession(accessible)": must(rc.GetSession(ctx, session, WithAccessScope(AccessScopeAccessible))).ok(t, "GetSession(accessible)"),
		"GetSessionAsync(owned)": awaited(rc.GetSessionAsync(session, WithAccessScope(AccessScopeOwned))).ok(t, "GetSessionAsync(owned)"),
	} {
		if len(s.TrainingRunIDs) != 1 || s.TrainingRunIDs[0] != tc.ModelID() ||
			len(s.SamplerIDs) != 1 || s.SamplerIDs[0] != sc.SamplingSessionID() || s.JSON == "" {
			t.Errorf("%s(%s) = %+v, want run %s and sampler %s", what, session, s, tc.ModelID(), sc.SamplingSessionID())
		}
	}

	_, err := rc.GetSession(ctx, "no-such-session")
	statusError(t, "GetSession(unknown)", err, StatusNotFound, "")
	_, err = newRest(t, freshUser(t)).GetSession(ctx, session)
	statusError(t, "another user's GetSession", err, StatusNotFound, "")

	before := restRequests(t)
	expectRefusedBeforeSending(t, before, []refusal{
		{errOf(rc.GetSession(ctx, session, WithAccessScope("everyone"))),
			`RestClient.GetSession: access_scope must be "owned" or "accessible"`},
		{asyncErr(rc.GetSessionAsync(session, WithAccessScope("Owned"))), "RestClient.GetSessionAsync: access_scope "},
		{asyncErr(rc.GetSessionAsync(session, WithAccessScope("owned\x00x"))),
			"RestClient.GetSessionAsync: access_scope holds a NUL byte at 5"},
		{errOf(rc.GetSession(ctx, "")), "RestClient.GetSession: session_id is empty"},
		{errOf(rc.GetSession(ctx, session, WithLimit(1))),
			"RestClient.GetSession does not take WithLimit (it takes: WithAccessScope)"},
	})
}

// R17: a user's sessions (oldest first) include the test's, page by page; a bad page or scope is
// refused before anything is sent.
func TestListSessionsPages(t *testing.T) {
	key := freshKey()
	ctx := testContext(t)
	var sessions []string
	for i := 0; i < 2; i++ {
		c := newClient(t, WithAPIKey(key))
		if err := c.StartSession(ctx); err != nil {
			t.Fatalf("StartSession: %v", err)
		}
		sessions = append(sessions, c.SessionID())
	}
	rc := newRest(t, newClient(t, WithAPIKey(key)))

	all := must(rc.ListSessions(ctx)).ok(t, "ListSessions")
	async := awaited(rc.ListSessionsAsync(WithAccessScope(AccessScopeAccessible))).ok(t, "ListSessionsAsync(accessible)")
	for what, l := range map[string]*SessionList{"ListSessions()": all, "ListSessionsAsync(accessible)": async} {
		if fmt.Sprint(l.Sessions) != fmt.Sprint(sessions) || l.JSON == "" {
			t.Errorf("%s = %v (%s), want %v", what, l.Sessions, l.JSON, sessions)
		}
	}
	var paged []string
	for offset, want := range []int{1, 1, 0} {
		l := must(rc.ListSessions(ctx, WithLimit(1), WithOffset(offset))).ok(t, "ListSessions(page)")
		if len(l.Sessions) != want {
			t.Errorf("ListSessions(limit 1, offset %d) = %v, want %d", offset, l.Sessions, want)
		}
		paged = append(paged, l.Sessions...)
	}
	if fmt.Sprint(paged) != fmt.Sprint(sessions) {
		t.Errorf("pages of 1: %v, want %v", paged, sessions)
	}
	second := awaited(rc.ListSessionsAsync(WithOffset(1))).ok(t, "ListSessionsAsync(offset 1)")
	if fmt.Sprint(second.Sessions) != fmt.Sprint(sessions[1:]) {
		t.Errorf("ListSessionsAsync(offset 1) = %v, want %v", second.Sessions, sessions[1:])
	}

	before := restRequests(t)
	expectRefusedBeforeSending(t, before, []refusal{
		{errOf(rc.ListSessions(ctx, WithLimit(0))), "RestClient.ListSessions: limit "},
		{asyncErr(rc.ListSessionsAsync(WithLimit(-1))), "RestClient.ListSessionsAsync: limit "},
		{errOf(rc.ListSessions(ctx, WithOffset(-1))), "RestClient.ListSessions: offset "},
		{errOf(rc.ListSessions(ctx, WithAccessScope("all"))), "RestClient.ListSessions: access_scope "},
	})
}

// R17 without options asks for the official client's page of 20, not R6's 100: of a user's 21
// sessions it lists the first 20.
func TestListSessionsDefaultsToAPageOf20(t *testing.T) {
	key := freshKey()
	ctx := testContext(t)
	for i := 0; i < 21; i++ {
		c := newClient(t, WithAPIKey(key))
		if err := c.StartSession(ctx); err != nil {
			t.Fatalf("StartSession: %v", err)
		}
		c.Close()
	}
	rc := newRest(t, newClient(t, WithAPIKey(key)))
	if l := must(rc.ListSessions(ctx)).ok(t, "ListSessions"); len(l.Sessions) != 20 {
		t.Errorf("ListSessions() of 21 sessions: %d, want a page of 20", len(l.Sessions))
	}
	if l := must(rc.ListSessions(ctx, WithLimit(100))).ok(t, "ListSessions(WithLimit(100))"); len(l.Sessions) != 21 {
		t.Errorf("ListSessions(WithLimit(100)) of 21 sessions: %d", len(l.Sessions))
	}
}
