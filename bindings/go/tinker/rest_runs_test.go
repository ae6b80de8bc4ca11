package tinker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Tests of the REST operations on training runs (R1, R2, R4 and AllTrainingRuns), checkpoint
// archives (R7, R8), trace exports (R19), the audit log (R21) and billing usage (R22), against the
// emulator. Each test that counts what a user has uses a user of its own (freshKey).

// requestsAt counts the requests the emulator has logged (any user) whose path is `path` or
// begins with `path?` (a query) or, with prefix, begins with `path`.
func requestsAt(t *testing.T, path string, prefix bool) int {
	t.Helper()
	var log struct {
		Entries []struct {
			Path string `json:"path"`
		} `json:"entries"`
	}
	emulatorGet(t, "/_emulator/log", &log)
	n := 0
	for _, e := range log.Entries {
		if e.Path == path || strings.HasPrefix(e.Path, path+"?") || prefix && strings.HasPrefix(e.Path, path) {
			n++
		}
	}
	return n
}

// emulatorSetting sets one of the emulator's test settings for the test, and back to `restore`
// after it.
func emulatorSetting(t *testing.T, name string, value, restore int64) {
	t.Helper()
	emulatorPost(t, "/_emulator/config", fmt.Sprintf(`{%q: %d}`, name, value))
	t.Cleanup(func() { emulatorPost(t, "/_emulator/config", fmt.Sprintf(`{%q: %d}`, name, restore)) })
}

// download GETs a signed URL the way a caller would, with no credential of the client's, and
// returns its body.
func download(t *testing.T, what, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("%s: GET %s: %v", what, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: GET %s: HTTP %d, %v: %.200s", what, u, resp.StatusCode, err, body)
	}
	return body
}

// absoluteURL checks that s is an absolute http(s) URL with a host.
func absoluteURL(t *testing.T, what, s string) {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		t.Errorf("%s = %q: not an absolute http(s) URL (%v)", what, s, err)
	}
}

// ---- training runs (R1, R2) -----------------------------------------------------------------------

// R1 and R2 read every field of a run: the ids, model and rank it was made with, its metadata,
// when it was last used, and its newest checkpoints: nil before any save, then the newest of
// each kind. Blocking and async forms agree; the JSON is the run's.
func TestGetTrainingRunReadsEveryField(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	metadata := map[string]string{"purpose": "go-test", "owner": "rest_runs_test"}
	start := time.Now()
	tc := newTrainer(t, c, 4, 90, WithRunMetadata(metadata))
	run := tc.ModelID()

	check := func(what string, r *TrainingRun) {
		t.Helper()
		if r.TrainingRunID != run || r.BaseModel != tinyModel || !r.IsLoRA || r.LoRARank != 4 || r.Corrupted ||
			r.ModelOwner == "" {
			t.Errorf("%s = %+v, want run %s of %s, LoRA rank 4, an owner, not corrupted", what, r, run, tinyModel)
		}
		if !reflect.DeepEqual(r.UserMetadata, metadata) {
			t.Errorf("%s: UserMetadata %v, want %v", what, r.UserMetadata, metadata)
		}
		if at := rfc3339(t, what+" LastRequestTime", r.LastRequestTime); at.Before(start.Add(-time.Minute)) ||
			at.After(time.Now().Add(time.Minute)) {
			t.Errorf("%s: LastRequestTime %v, the run was used from %v", what, at, start)
		}
		var j struct {
			TrainingRunID string `json:"training_run_id"`
		}
		if err := json.Unmarshal([]byte(r.JSON), &j); err != nil || j.TrainingRunID != run {
			t.Errorf("%s: JSON %q (%v), want the run's", what, r.JSON, err)
		}
	}

	fresh := must(rc.GetTrainingRun(ctx, run)).ok(t, "GetTrainingRun")
	check("GetTrainingRun", fresh)
	if fresh.LastCheckpoint != nil || fresh.LastSamplerCheckpoint != nil {
		t.Errorf("a run without checkpoints: LastCheckpoint %+v, LastSamplerCheckpoint %+v, want nil",
			fresh.LastCheckpoint, fresh.LastSamplerCheckpoint)
	}
	check("GetTrainingRunAsync", awaited(rc.GetTrainingRunAsync(run)).ok(t, "GetTrainingRunAsync"))

	first := must(tc.SaveState(ctx, "first", WithTTL(time.Hour))).ok(t, "SaveState")
	sampler := must(tc.SaveWeightsForSampler(ctx, "sampler")).ok(t, "SaveWeightsForSampler")
	second := must(tc.SaveState(ctx, "second")).ok(t, "SaveState")
	saved := listed(t, rc, run)
	for what, r := range map[string]*TrainingRun{
		"GetTrainingRun":                  must(rc.GetTrainingRun(ctx, run, WithAccessScope(AccessScopeOwned))).ok(t, "GetTrainingRun"),
		"GetTrainingRunByTinkerPath":      must(rc.GetTrainingRunByTinkerPath(ctx, first.Path)).ok(t, "GetTrainingRunByTinkerPath"),
		"GetTrainingRunByTinkerPathAsync": awaited(rc.GetTrainingRunByTinkerPathAsync(sampler.Path)).ok(t, "GetTrainingRunByTinkerPathAsync"),
	} {
		check(what, r)
		// The newest of each kind, with every field as ListCheckpoints has it.
		for _, want := range []struct {
			field string
			got   *Checkpoint
			id    string
			path  string
		}{{"LastCheckpoint", r.LastCheckpoint, "weights/second", second.Path},
			{"LastSamplerCheckpoint", r.LastSamplerCheckpoint, "sampler_weights/sampler", sampler.Path}} {
			if want.got == nil {
				t.Errorf("%s: %s is nil after saves: %s", what, want.field, r.JSON)
			} else if *want.got != saved[want.id] || want.got.TinkerPath != want.path {
				t.Errorf("%s: %s = %+v, want %+v (path %s)", what, want.field, *want.got, saved[want.id], want.path)
			}
		}
	}

	_, err := rc.GetTrainingRun(ctx, "no-such-run")
	if e := statusError(t, "GetTrainingRun(unknown)", err, StatusNotFound, ""); e != nil && e.HTTPStatus != 404 {
		t.Errorf("GetTrainingRun(unknown): HTTP status %d, want 404", e.HTTPStatus)
	}
	_, err = rc.GetTrainingRunByTinkerPath(ctx, "tinker://no-such-run/weights/x")
	statusError(t, "GetTrainingRunByTinkerPath(unknown run)", err, StatusNotFound, "")
}

// Another user's run is not found, in either scope, until one of its checkpoints is published;
// then AccessScopeAccessible finds it (showing only the published checkpoint), and the owned
// scope still does not.
func TestAnotherUsersTrainingRunIsFoundOnlyWhenSharedAndAccessible(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 91)
	run := tc.ModelID()
	path := must(tc.SaveState(ctx, "shared")).ok(t, "SaveState").Path
	must(tc.SaveWeightsForSampler(ctx, "private")).ok(t, "SaveWeightsForSampler")
	owner := must(rc.GetTrainingRun(ctx, run)).ok(t, "GetTrainingRun").ModelOwner

	other := newRest(t, freshUser(t))
	notFound := func(when string) {
		t.Helper()
		_, err := other.GetTrainingRun(ctx, run)
		statusError(t, "another user's GetTrainingRun "+when, err, StatusNotFound, "")
		_, err = other.GetTrainingRun(ctx, run, WithAccessScope(AccessScopeAccessible))
		statusError(t, "another user's GetTrainingRun(accessible) "+when, err, StatusNotFound, "")
		_, err = other.GetTrainingRunByTinkerPath(ctx, path, WithAccessScope(AccessScopeAccessible))
		statusError(t, "another user's GetTrainingRunByTinkerPath(accessible) "+when, err, StatusNotFound, "")
	}
	notFound("before publishing")

	if err := rc.PublishCheckpointFromTinkerPath(ctx, path); err != nil {
		t.Fatalf("PublishCheckpointFromTinkerPath: %v", err)
	}
	_, err := other.GetTrainingRun(ctx, run)
	statusError(t, "another user's GetTrainingRun (owned) after publishing", err, StatusNotFound, "")
	for what, r := range map[string]*TrainingRun{
		"GetTrainingRun(accessible)": must(other.GetTrainingRun(ctx, run, WithAccessScope(AccessScopeAccessible))).ok(t,
			"GetTrainingRun(accessible)"),
		"GetTrainingRunByTinkerPathAsync(accessible)": awaited(other.GetTrainingRunByTinkerPathAsync(path,
			WithAccessScope(AccessScopeAccessible))).ok(t, "GetTrainingRunByTinkerPathAsync(accessible)"),
	} {
		if r.TrainingRunID != run || r.ModelOwner != owner || r.LastCheckpoint == nil || r.LastCheckpoint.TinkerPath != path ||
			!r.LastCheckpoint.IsPublic || r.LastSamplerCheckpoint != nil {
			t.Errorf("another user's %s = %s, want run %s of %s with only the published checkpoint %s", what, r.JSON, run,
				owner, path)
		}
	}
	if err := rc.UnpublishCheckpointFromTinkerPath(ctx, path); err != nil {
		t.Fatalf("UnpublishCheckpointFromTinkerPath: %v", err)
	}
	notFound("after unpublishing")
}

// ---- listing training runs (R4, AllTrainingRuns) -------------------------------------------------

// threeRuns makes three runs of one user, one after the other, the second in a session assigned
// to `project`, and returns the service clients that made them (run i by clients[i]) and the runs.
func threeRuns(t *testing.T, key, project string) ([]*ServiceClient, []*TrainingClient) {
	t.Helper()
	var clients []*ServiceClient
	var runs []*TrainingClient
	for i := 0; i < 3; i++ {
		c := newClient(t, WithAPIKey(key))
		runs = append(runs, newTrainer(t, c, 4, int64(92+i), WithRunMetadata(map[string]string{"index": fmt.Sprint(i)})))
		clients = append(clients, c)
	}
	if err := newRest(t, clients[1]).AssignSessionProject(testContext(t), clients[1].SessionID(), project); err != nil {
		t.Fatalf("AssignSessionProject: %v", err)
	}
	return clients, runs
}

func runIDs(runs []TrainingRun) []string {
	var ids []string
	for _, r := range runs {
		ids = append(ids, r.TrainingRunID)
	}
	return ids
}

// R4: a user's runs, newest first, in pages with their cursor (the default page is 20); each
// item reads as GetTrainingRun reads the run, with its own part of the JSON; WithProjectID keeps
// one project's runs.
func TestListTrainingRunsPages(t *testing.T) {
	key := freshKey()
	project := "go-runs-" + key
	_, runs := threeRuns(t, key, project)
	rc := newRest(t, newClient(t, WithAPIKey(key)))
	ctx := testContext(t)
	saved := must(runs[0].SaveState(ctx, "listed")).ok(t, "SaveState").Path
	newestFirst := []string{runs[2].ModelID(), runs[1].ModelID(), runs[0].ModelID()}

	all := must(rc.ListTrainingRuns(ctx)).ok(t, "ListTrainingRuns")
	if all.Offset != 0 || all.Limit != 20 || all.TotalCount != 3 || fmt.Sprint(runIDs(all.TrainingRuns)) != fmt.Sprint(newestFirst) {
		t.Fatalf("ListTrainingRuns() (defaults: limit 20, offset 0): offset %d, limit %d, total %d, runs %v; want %v",
			all.Offset, all.Limit, all.TotalCount, runIDs(all.TrainingRuns), newestFirst)
	}
	for i, item := range all.TrainingRuns {
		one := must(rc.GetTrainingRun(ctx, item.TrainingRunID)).ok(t, "GetTrainingRun")
		// The last request time moves with every request to the run; the rest must agree.
		item.LastRequestTime, one.LastRequestTime = "", ""
		itemJSON, oneJSON := item.JSON, one.JSON
		item.JSON, one.JSON = "", ""
		if !reflect.DeepEqual(item, *one) {
			t.Errorf("ListTrainingRuns[%d] = %+v, GetTrainingRun = %+v", i, item, *one)
		}
		if item.UserMetadata["index"] != fmt.Sprint(2-i) {
			t.Errorf("ListTrainingRuns[%d]: UserMetadata %v, want index %d", i, item.UserMetadata, 2-i)
		}
		var j struct {
			TrainingRunID string `json:"training_run_id"`
		}
		if err := json.Unmarshal([]byte(itemJSON), &j); err != nil || j.TrainingRunID != item.TrainingRunID ||
			!strings.Contains(all.JSON, itemJSON) || !strings.Contains(oneJSON, item.TrainingRunID) {
			t.Errorf("ListTrainingRuns[%d]: JSON %q (%v), want its part of %q", i, itemJSON, err, all.JSON)
		}
	}
	if last := all.TrainingRuns[2].LastCheckpoint; last == nil || last.TinkerPath != saved {
		t.Errorf("the saved run's LastCheckpoint = %+v, want %s", last, saved)
	}
	if all.TrainingRuns[0].LastCheckpoint != nil || all.TrainingRuns[1].LastCheckpoint != nil {
		t.Errorf("runs without checkpoints have a LastCheckpoint: %s", all.JSON)
	}

	var paged []string
	for _, page := range []struct{ offset, n int }{{0, 2}, {2, 1}, {3, 0}, {7, 0}} {
		l := must(rc.ListTrainingRuns(ctx, WithLimit(2), WithOffset(page.offset))).ok(t, "ListTrainingRuns(page)")
		if len(l.TrainingRuns) != page.n || l.Offset != int64(page.offset) || l.Limit != 2 || l.TotalCount != 3 {
			t.Errorf("page at %d: %d runs, cursor offset %d limit %d total %d; want %d, %d, 2, 3",
				page.offset, len(l.TrainingRuns), l.Offset, l.Limit, l.TotalCount, page.n, page.offset)
		}
		paged = append(paged, runIDs(l.TrainingRuns)...)
	}
	if fmt.Sprint(paged) != fmt.Sprint(newestFirst) {
		t.Errorf("pages of 2: %v, want %v", paged, newestFirst)
	}
	mid := awaited(rc.ListTrainingRunsAsync(WithOffset(1), WithLimit(1), WithAccessScope(AccessScopeOwned))).ok(t,
		"ListTrainingRunsAsync")
	if fmt.Sprint(runIDs(mid.TrainingRuns)) != fmt.Sprint(newestFirst[1:2]) || mid.TotalCount != 3 {
		t.Errorf("ListTrainingRunsAsync(offset 1, limit 1) = %s, want %v", mid.JSON, newestFirst[1:2])
	}

	inProject := must(rc.ListTrainingRuns(ctx, WithProjectID(project))).ok(t, "ListTrainingRuns(WithProjectID)")
	if fmt.Sprint(runIDs(inProject.TrainingRuns)) != fmt.Sprint([]string{runs[1].ModelID()}) || inProject.TotalCount != 1 {
		t.Errorf("ListTrainingRuns(WithProjectID(%q)) = %v, want only %s", project, runIDs(inProject.TrainingRuns),
			runs[1].ModelID())
	}
	none := awaited(rc.ListTrainingRunsAsync(WithProjectID(project+"-other"))).ok(t, "ListTrainingRunsAsync(WithProjectID)")
	if len(none.TrainingRuns) != 0 || none.TotalCount != 0 {
		t.Errorf("ListTrainingRunsAsync of a project without runs = %s", none.JSON)
	}
	// Another user's runs are not listed, in either scope (none is shared).
	for _, scope := range []string{AccessScopeOwned, AccessScopeAccessible} {
		l := must(newRest(t, freshUser(t)).ListTrainingRuns(ctx, WithAccessScope(scope))).ok(t, "another user's ListTrainingRuns")
		for _, id := range runIDs(l.TrainingRuns) {
			for _, mine := range newestFirst {
				if id == mine {
					t.Errorf("another user lists %s (%s)", id, scope)
				}
			}
		}
	}
}

// trainingRunListings counts the R4 requests the emulator has logged (any user).
func trainingRunListings(t *testing.T) int {
	t.Helper()
	return requestsAt(t, "/api/v1/training_runs", false)
}

// AllTrainingRuns pages through every run with as few requests as the count allows, takes the
// scope and project options (and refuses the page options), and yields a run only once when a
// new one shifts the pages.
func TestAllTrainingRunsIterates(t *testing.T) {
	key := freshKey()
	project := "go-all-runs-" + key
	clients, runs := threeRuns(t, key, project)
	rc := newRest(t, clients[0])
	ctx := testContext(t)
	want := []string{runs[2].ModelID(), runs[1].ModelID(), runs[0].ModelID()}

	for _, tt := range []struct{ pageSize, requests int }{{2, 2}, {1, 3}, {3, 1}, {0, 1}, {100, 1}} {
		before := trainingRunListings(t)
		var got []TrainingRun
		it := rc.AllTrainingRuns(ctx, tt.pageSize)
		for it.Next() {
			got = append(got, it.TrainingRun())
		}
		if err := it.Err(); err != nil {
			t.Errorf("pages of %d: %v", tt.pageSize, err)
		}
		if it.Next() {
			t.Errorf("pages of %d: Next after the end", tt.pageSize)
		}
		if fmt.Sprint(runIDs(got)) != fmt.Sprint(want) {
			t.Errorf("pages of %d: %v, want %v", tt.pageSize, runIDs(got), want)
		}
		if n := trainingRunListings(t) - before; n != tt.requests {
			t.Errorf("pages of %d: %d requests, want %d", tt.pageSize, n, tt.requests)
		}
	}
	var inProject []TrainingRun
	it := rc.AllTrainingRuns(ctx, 1, WithProjectID(project), WithAccessScope(AccessScopeAccessible))
	for it.Next() {
		inProject = append(inProject, it.TrainingRun())
	}
	if it.Err() != nil || fmt.Sprint(runIDs(inProject)) != fmt.Sprint(want[1:2]) {
		t.Errorf("AllTrainingRuns(WithProjectID) = %v (%v), want %v", runIDs(inProject), it.Err(), want[1:2])
	}

	before := restRequests(t)
	it = rc.AllTrainingRuns(ctx, -1)
	if it.Next() {
		t.Errorf("pages of -1: Next = true")
	}
	statusError(t, "pages of -1", it.Err(), StatusInvalidArgument, "RestClient.AllTrainingRuns: limit ")
	for _, tt := range []struct {
		opt  TrainingOption
		want string
	}{
		{WithLimit(5), "RestClient.AllTrainingRuns does not take WithLimit (it takes: WithAccessScope, WithProjectID)"},
		{WithOffset(1), "RestClient.AllTrainingRuns does not take WithOffset (it takes: WithAccessScope, WithProjectID)"},
		{WithAccessScope("everyone"), `RestClient.AllTrainingRuns: access_scope must be "owned" or "accessible"`},
	} {
		it := rc.AllTrainingRuns(ctx, 2, tt.opt)
		if it.Next() {
			t.Errorf("AllTrainingRuns(%s): Next = true", tt.want)
		}
		statusError(t, tt.want, it.Err(), StatusInvalidArgument, tt.want)
	}
	if after := restRequests(t); after != before {
		t.Errorf("%d REST requests were sent for refused iterations", after-before)
	}

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	it = rc.AllTrainingRuns(cancelled, 2)
	if it.Next() || !errors.Is(it.Err(), context.Canceled) {
		t.Errorf("cancelled ctx: Err = %v, want context.Canceled", it.Err())
	}

	// A run made during the iteration comes first (newest first) and shifts the later pages: what
	// was yielded already is not yielded again, and no run made before is missed.
	it = rc.AllTrainingRuns(ctx, 2)
	if !it.Next() {
		t.Fatalf("first Next: %v", it.Err())
	}
	seen := map[string]int{it.TrainingRun().TrainingRunID: 1}
	newTrainer(t, clients[0], 4, 95)
	for it.Next() {
		seen[it.TrainingRun().TrainingRunID]++
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Errorf("%s yielded %d times, want once", id, seen[id])
		}
	}
}

// ---- checkpoint archives (R7, R8) ---------------------------------------------------------------

// R7 and R8: the URL is absolute, expires in the future, and downloads the archive (gzip) without
// the API key; both forms, blocking and async. The emulator answers 503 while it builds the
// archive, which the client waits out (WithArchiveRetry: often, so the test is quick).
func TestCheckpointArchiveURL(t *testing.T) {
	emulatorSetting(t, "archive_build_ms", 300, 0)
	c := newClient(t, WithArchiveRetry(50*time.Millisecond, 100))
	rc := newRest(t, c)
	tc := newTrainer(t, c, 4, 96)
	ctx := testContext(t)
	state := must(tc.SaveState(ctx, "archived")).ok(t, "SaveState").Path
	sampler := must(tc.SaveWeightsForSampler(ctx, "archived")).ok(t, "SaveWeightsForSampler").Path
	run := tc.ModelID()

	before := requestsAt(t, "/api/v1/training_runs/"+run+"/checkpoints/weights/archived/archive", false)
	start := time.Now()
	for what, a := range map[string]*CheckpointArchiveUrl{
		"GetCheckpointArchiveUrl":                    must(rc.GetCheckpointArchiveUrl(ctx, run, "weights/archived")).ok(t, "GetCheckpointArchiveUrl"),
		"GetCheckpointArchiveUrlAsync":               awaited(rc.GetCheckpointArchiveUrlAsync(run, "sampler_weights/archived")).ok(t, "GetCheckpointArchiveUrlAsync"),
		"GetCheckpointArchiveUrlFromTinkerPath":      must(rc.GetCheckpointArchiveUrlFromTinkerPath(ctx, sampler)).ok(t, "GetCheckpointArchiveUrlFromTinkerPath"),
		"GetCheckpointArchiveUrlFromTinkerPathAsync": awaited(rc.GetCheckpointArchiveUrlFromTinkerPathAsync(state)).ok(t, "GetCheckpointArchiveUrlFromTinkerPathAsync"),
	} {
		absoluteURL(t, what+" URL", a.URL)
		if exp := rfc3339(t, what+" Expires", a.Expires); !exp.After(start) {
			t.Errorf("%s: Expires %v is not in the future of %v", what, exp, start)
		}
		if !strings.Contains(a.JSON, `"url"`) {
			t.Errorf("%s: JSON %q", what, a.JSON)
		}
		if body := download(t, what, a.URL); !bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
			t.Errorf("%s: the download is not gzip: % x", what, body[:minInt(len(body), 8)])
		}
	}
	// The first request of an archive found it being built (503) and was sent again.
	if n := requestsAt(t, "/api/v1/training_runs/"+run+"/checkpoints/weights/archived/archive", false) - before; n < 2 {
		t.Errorf("%d archive requests for weights/archived, want the 503 and at least one more", n)
	}

	_, err := rc.GetCheckpointArchiveUrl(ctx, run, "weights/no-such")
	statusError(t, "GetCheckpointArchiveUrl(unknown)", err, StatusNotFound, "")
	_, err = newRest(t, freshUser(t)).GetCheckpointArchiveUrlFromTinkerPath(ctx, state)
	statusError(t, "another user's GetCheckpointArchiveUrlFromTinkerPath", err, StatusNotFound, "")
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

// ---- trace exports (R19) ------------------------------------------------------------------------

// R19: the export is polled until ready and its URL downloads the session's trace (JSON naming
// the session), blocking and async; an export the server reports failed is StatusRequestFailed
// with its reason; an unknown or another user's session is not found.
func TestExportSessionTrace(t *testing.T) {
	emulatorSetting(t, "trace_export_pending_polls", 2, 0)
	c := newClient(t, WithTracePollInterval(20*time.Millisecond))
	rc := newRest(t, c)
	ctx := testContext(t)
	newTrainer(t, c, 4, 97)
	session := c.SessionID()
	exportPath := "/api/v1/sessions/" + session + "/trace_export"

	for _, form := range []string{"ExportSessionTrace", "ExportSessionTraceAsync"} {
		before := requestsAt(t, exportPath, false)
		var u string
		if form == "ExportSessionTrace" {
			u = must(rc.ExportSessionTrace(ctx, session)).ok(t, form)
		} else {
			u = awaited(rc.ExportSessionTraceAsync(session)).ok(t, form)
		}
		absoluteURL(t, form, u)
		var trace struct {
			SessionID string `json:"session_id"`
		}
		if body := download(t, form, u); json.Unmarshal(body, &trace) != nil || trace.SessionID != session {
			t.Errorf("%s: the download is not the trace of %s: %.200s", form, session, body)
		}
		// Started, pending at least twice more (the setting), then ready: at least four polls.
		if n := requestsAt(t, exportPath, false) - before; n < 4 {
			t.Errorf("%s: %d polls, want at least 4 (start, 2 pending, ready)", form, n)
		}
	}

	emulatorSetting(t, "trace_export_failures", 1, 0)
	_, err := rc.ExportSessionTrace(ctx, session)
	if e := statusError(t, "ExportSessionTrace (export failed)", err, StatusRequestFailed, ""); e != nil &&
		!strings.Contains(e.Message, "trace export failed") {
		t.Errorf("ExportSessionTrace (export failed): %q, want the server's reason", e.Message)
	}

	_, err = rc.ExportSessionTrace(ctx, "no-such-session")
	statusError(t, "ExportSessionTrace(unknown)", err, StatusNotFound, "")
	err = awaited(newRest(t, freshUser(t)).ExportSessionTraceAsync(session)).err
	statusError(t, "another user's ExportSessionTraceAsync", err, StatusNotFound, "")
}

// ---- audit log (R21) ----------------------------------------------------------------------------

// R21: a user's entries, oldest first, name what happened to its runs and checkpoints;
// WithEventType(AuditEventCheckpoints) keeps the checkpoint events, WithDay one UTC day.
func TestGetAuditLog(t *testing.T) {
	c := freshUser(t)
	rc := newRest(t, c)
	ctx := testContext(t)
	tc := newTrainer(t, c, 4, 98)
	path := must(tc.SaveState(ctx, "audited")).ok(t, "SaveState").Path
	if err := rc.DeleteCheckpointFromTinkerPath(ctx, path); err != nil {
		t.Fatalf("DeleteCheckpointFromTinkerPath: %v", err)
	}
	today := time.Now().UTC().Format("2006-01-02")

	events := func(l *AuditLog) []string {
		var out []string
		for i, e := range l.Entries {
			out = append(out, e.Event)
			if i > 0 && rfc3339(t, "Timestamp", e.Timestamp).Before(rfc3339(t, "Timestamp", l.Entries[i-1].Timestamp)) {
				t.Errorf("entry %d (%s) is older than the one before it: want oldest first", i, e.Timestamp)
			}
		}
		return out
	}
	all := must(rc.GetAuditLog(ctx)).ok(t, "GetAuditLog")
	want := []string{"session_created", "training_run_created", "checkpoint_saved", "checkpoint_deleted"}
	if fmt.Sprint(events(all)) != fmt.Sprint(want) || all.JSON == "" {
		t.Fatalf("GetAuditLog() = %v, want %v: %s", events(all), want, all.JSON)
	}
	for _, e := range all.Entries[2:] {
		if e.ModelID != tc.ModelID() || e.TinkerPath != path {
			t.Errorf("%s: model %q, path %q, want %s and %s", e.Event, e.ModelID, e.TinkerPath, tc.ModelID(), path)
		}
	}
	if e := all.Entries[0]; e.ModelID != "" || e.TinkerPath != "" {
		t.Errorf("session_created names model %q, path %q, want neither", e.ModelID, e.TinkerPath)
	}
	for what, l := range map[string]*AuditLog{
		"GetAuditLog(WithEventType(checkpoints))": must(rc.GetAuditLog(ctx, WithEventType(AuditEventCheckpoints))).ok(t,
			"GetAuditLog(checkpoints)"),
		"GetAuditLogAsync(checkpoints, today)": awaited(rc.GetAuditLogAsync(WithEventType(AuditEventCheckpoints),
			WithDay(today))).ok(t, "GetAuditLogAsync(checkpoints, today)"),
	} {
		if fmt.Sprint(events(l)) != fmt.Sprint(want[2:]) {
			t.Errorf("%s = %v, want %v", what, events(l), want[2:])
		}
	}
	for what, l := range map[string]*AuditLog{
		"GetAuditLog(WithEventType(all), WithDay(today))": must(rc.GetAuditLog(ctx, WithEventType(AuditEventAll),
			WithDay(today))).ok(t, "GetAuditLog(all, today)"),
		"GetAuditLogAsync(WithEventType(\"\"))": awaited(rc.GetAuditLogAsync(WithEventType(""))).ok(t, "GetAuditLogAsync"),
	} {
		if fmt.Sprint(events(l)) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", what, events(l), want)
		}
	}
	if l := must(rc.GetAuditLog(ctx, WithDay("2001-02-03"))).ok(t, "GetAuditLog(another day)"); len(l.Entries) != 0 {
		t.Errorf("GetAuditLog(WithDay(2001-02-03)) = %v, want none", events(l))
	}
}

// ---- billing usage (R22) ------------------------------------------------------------------------

// R22: a session's training shows up as training tokens in the hour it ran, and its session with
// the metadata the client gave it; both forms. A time.Time in another zone is sent in UTC (the
// emulator, like the service, takes UTC only). The server's own rules (whole hours, a window of
// at most 14 days that ends after it starts, nothing after the current hour) are its
// StatusInvalidArgument.
func TestGetBillingUsage(t *testing.T) {
	c := newClient(t, WithAPIKey(freshKey()), WithUserMetadata("team", "go-billing"))
	rc := newRest(t, c)
	ctx := testContext(t)
	first := time.Now().UTC().Truncate(time.Hour)
	tc := newTrainer(t, c, 4, 99)
	data, tokens := corpusBatch()
	must(tc.ForwardBackward(ctx, data, "cross_entropy", nil)).ok(t, "ForwardBackward")
	session := c.SessionID()
	// The training ran in the hour `first` or, across an hour's end, in the next one; the window
	// ends with the current hour, the latest the server allows.
	last := time.Now().UTC().Truncate(time.Hour)
	from, to := first, last.Add(time.Hour)

	for what, u := range map[string]*BillingUsage{
		"GetBillingUsage": must(rc.GetBillingUsage(ctx, from, to)).ok(t, "GetBillingUsage"),
		"GetBillingUsageAsync (UTC+5 times)": awaited(rc.GetBillingUsageAsync(from.In(time.FixedZone("UTC+5", 5*3600)),
			to.In(time.FixedZone("UTC+5", 5*3600)))).ok(t, "GetBillingUsageAsync"),
	} {
		trained := int64(0)
		for _, e := range u.Events {
			if e.EventType != "training" || e.SessionID != session {
				continue
			}
			if b := rfc3339(t, "BucketStart", e.BucketStart); b.Before(first) || b.After(last) {
				t.Errorf("%s: a training event in the bucket %s, want one from %v to %v", what, e.BucketStart, first, last)
			}
			if e.BaseModel != tinyModel || e.Cached != nil || e.CheckpointCount != -1 || e.GigabyteHours != -1 {
				t.Errorf("%s: training event %+v: want base model %s, no cached, count or storage", what, e, tinyModel)
			}
			trained += e.TokenCount
		}
		if trained != int64(tokens) {
			t.Errorf("%s: %d training tokens in session %s, want %d: %s", what, trained, session, tokens, u.JSON)
		}
		found := false
		for _, s := range u.Sessions {
			if s.SessionID == session {
				found = true
				if !reflect.DeepEqual(s.UserMetadata, map[string]string{"team": "go-billing"}) {
					t.Errorf("%s: session %s has metadata %v", what, session, s.UserMetadata)
				}
			}
		}
		if !found {
			t.Errorf("%s: no session %s among %+v", what, session, u.Sessions)
		}
	}

	for what, window := range map[string][2]time.Time{
		"not whole hours":        {from.Add(time.Minute), to},
		"over 14 days":           {to.Add(-15 * 24 * time.Hour), to},
		"ending before starting": {to, from},
		"ending after this hour": {from, to.Add(time.Hour)},
	} {
		_, err := rc.GetBillingUsage(ctx, window[0], window[1])
		statusError(t, "GetBillingUsage ("+what+")", err, StatusInvalidArgument, "")
	}
}

// ---- arguments refused before anything is sent -------------------------------------------------

// Malformed ids, paths, scopes, event types, days and times fail in the call itself, in both
// forms, naming the method, and send nothing.
func TestMalformedArgumentsOfRunsArchivesTracesAuditAndBillingAreRefusedBeforeSending(t *testing.T) {
	rc := newRest(t, newClient(t))
	ctx := testContext(t)
	hour := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	before := restRequests(t)
	expectRefusedBeforeSending(t, before, []refusal{
		{errOf(rc.GetTrainingRun(ctx, "")), "RestClient.GetTrainingRun: training_run_id is empty"},
		{asyncErr(rc.GetTrainingRunAsync("run\x00")), "RestClient.GetTrainingRunAsync: training_run_id holds a NUL byte at 3"},
		{errOf(rc.GetTrainingRun(ctx, "run", WithAccessScope("everyone"))),
			`RestClient.GetTrainingRun: access_scope must be "owned" or "accessible"`},
		{errOf(rc.GetTrainingRun(ctx, "run", WithLimit(1))),
			"RestClient.GetTrainingRun does not take WithLimit (it takes: WithAccessScope)"},
		{errOf(rc.GetTrainingRunByTinkerPath(ctx, "tinker://run/weights")),
			"RestClient.GetTrainingRunByTinkerPath: tinker_path is not a checkpoint's tinker:// path"},
		{asyncErr(rc.GetTrainingRunByTinkerPathAsync("run/weights/a")), "RestClient.GetTrainingRunByTinkerPathAsync: tinker_path "},
		{asyncErr(rc.GetTrainingRunByTinkerPathAsync("tinker://run/weights/a", WithAccessScope("Owned"))),
			"RestClient.GetTrainingRunByTinkerPathAsync: access_scope "},
		{errOf(rc.ListTrainingRuns(ctx, WithLimit(0))), "RestClient.ListTrainingRuns: limit "},
		{asyncErr(rc.ListTrainingRunsAsync(WithOffset(-1))), "RestClient.ListTrainingRunsAsync: offset "},
		{errOf(rc.ListTrainingRuns(ctx, WithAccessScope("all"))), "RestClient.ListTrainingRuns: access_scope "},
		{errOf(rc.ListTrainingRuns(ctx, WithProjectID("p\x00q"))), "RestClient.ListTrainingRuns: project_id holds a NUL byte at 1"},
		{errOf(rc.ListTrainingRuns(ctx, WithDay("2026-12-01"))),
			"RestClient.ListTrainingRuns does not take WithDay (it takes: WithLimit, WithOffset, WithAccessScope, WithProjectID)"},
		{errOf(rc.GetCheckpointArchiveUrl(ctx, "run", "weights/")), "RestClient.GetCheckpointArchiveUrl: checkpoint_id "},
		{asyncErr(rc.GetCheckpointArchiveUrlAsync("", "weights/a")), "RestClient.GetCheckpointArchiveUrlAsync: training_run_id is empty"},
		{errOf(rc.GetCheckpointArchiveUrlFromTinkerPath(ctx, "tinker://run/other/a")),
			"RestClient.GetCheckpointArchiveUrlFromTinkerPath: tinker_path "},
		{asyncErr(rc.GetCheckpointArchiveUrlFromTinkerPathAsync("tinker://run/weights/a\x00")),
			"RestClient.GetCheckpointArchiveUrlFromTinkerPathAsync: tinker_path holds a NUL byte at 22"},
		{errOf(rc.ExportSessionTrace(ctx, "")), "RestClient.ExportSessionTrace: session_id is empty"},
		{asyncErr(rc.ExportSessionTraceAsync("s\x00")), "RestClient.ExportSessionTraceAsync: session_id holds a NUL byte at 1"},
		{errOf(rc.GetAuditLog(ctx, WithEventType("everything"))), `RestClient.GetAuditLog: event_type must be "all" or "checkpoints"`},
		{asyncErr(rc.GetAuditLogAsync(WithEventType("checkpoints\x00"))), "RestClient.GetAuditLogAsync: event_type holds a NUL byte at 11"},
		{errOf(rc.GetAuditLog(ctx, WithDay("2026-13-01"))), "RestClient.GetAuditLog: day must be a day, YYYY-MM-DD: it has no such month"},
		{errOf(rc.GetAuditLog(ctx, WithDay("2026-02-29"))), "RestClient.GetAuditLog: day must be a day, YYYY-MM-DD: it has no such day"},
		{asyncErr(rc.GetAuditLogAsync(WithDay("01/12/2026"))), "RestClient.GetAuditLogAsync: day must be a day, YYYY-MM-DD: it is not YYYY-MM-DD"},
		{errOf(rc.GetAuditLog(ctx, WithAccessScope(AccessScopeOwned))),
			"RestClient.GetAuditLog does not take WithAccessScope (it takes: WithEventType, WithDay)"},
		{errOf(rc.GetBillingUsage(ctx, time.Time{}, hour)), "RestClient.GetBillingUsage: starting_on is the zero time.Time"},
		{asyncErr(rc.GetBillingUsageAsync(hour, time.Time{})), "RestClient.GetBillingUsageAsync: ending_before is the zero time.Time"},
		{errOf(rc.GetBillingUsage(ctx, hour, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))),
			"RestClient.GetBillingUsage: ending_before 10000-01-01T00:00:00Z is outside the years RFC 3339 can write"},
	})
}

// The times R22 sends: UTC with a Z, whatever the zone of the time.Time, with the fraction of a
// second only when there is one (no I/O).
func TestBillingTimesAreSentAsRFC3339InUTC(t *testing.T) {
	east := time.FixedZone("UTC+5:30", 5*3600+1800)
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), "2026-12-01T00:00:00Z"},
		{time.Date(2026, 12, 1, 5, 30, 0, 0, east), "2026-12-01T00:00:00Z"},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, east), "2026-11-30T18:30:00Z"},
		{time.Date(2026, 12, 1, 0, 0, 1, 500000000, time.UTC), "2026-12-01T00:00:01.5Z"},
		{time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), "0000-01-01T00:00:00Z"},
	} {
		if got, err := timestampArg(tt.t, "starting_on"); err != nil || got != tt.want {
			t.Errorf("timestampArg(%v) = (%q, %v), want %q", tt.t, got, err, tt.want)
		}
	}
	for _, bad := range []time.Time{{}, time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if got, err := timestampArg(bad, "starting_on"); CodeOf(err) != StatusInvalidArgument {
			t.Errorf("timestampArg(%v) = (%q, %v), want StatusInvalidArgument", bad, got, err)
		}
	}
}
