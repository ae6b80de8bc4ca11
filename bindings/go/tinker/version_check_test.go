package tinker

import (
	"errors"
	"strings"
	"testing"
)

func TestCompatibleLibrary(t *testing.T) {
	for _, c := range []struct {
		loaded, built int
		ok            bool
	}{
		{10203, 10203, true},  // the same
		{10204, 10203, true},  // newer patch
		{10300, 10203, true},  // newer minor
		{10202, 10203, false}, // older patch
		{10103, 10203, false}, // older minor
		{20000, 10203, false}, // newer major
		{9999, 10000, false},  // older major (0.99.99 against 1.0.0)
		{100, 100, true},      // 0.1.0 itself
		{101, 100, true},
		{99, 100, false},
	} {
		err := compatibleLibrary(c.loaded, c.built)
		if (err == nil) != c.ok {
			t.Errorf("compatibleLibrary(%d, %d) = %v, want ok=%v", c.loaded, c.built, err, c.ok)
			continue
		}
		if err == nil {
			continue
		}
		if !errors.Is(err, StatusFailedPrecondition) {
			t.Errorf("compatibleLibrary(%d, %d): %v is not StatusFailedPrecondition", c.loaded, c.built, err)
		}
		for _, v := range []string{versionText(c.loaded), versionText(c.built)} {
			if !strings.Contains(err.Error(), v) {
				t.Errorf("compatibleLibrary(%d, %d): %q does not name %s", c.loaded, c.built, err, v)
			}
		}
	}
}

func TestVersionText(t *testing.T) {
	for n, want := range map[int]string{0: "0.0.0", 100: "0.1.0", 10203: "1.2.3", 123456: "12.34.56"} {
		if got := versionText(n); got != want {
			t.Errorf("versionText(%d) = %q, want %q", n, got, want)
		}
	}
}

// The library this package is tested against is the one it was generated for.
func TestLoadedLibraryIsAccepted(t *testing.T) {
	if err := checkLibrary(); err != nil {
		t.Fatal(err)
	}
	if versionText(generatedFor) != Version() {
		t.Errorf("generated for %s, loaded %s", versionText(generatedFor), Version())
	}
}

// NewServiceClient reports a refused library as its error (no panic, no client), naming itself
// and both versions. The check's cached answer stands in for a library of the next major version.
func TestNewServiceClientRefusesAnIncompatibleLibrary(t *testing.T) {
	if err := checkLibrary(); err != nil { // spends the once on the real library
		t.Fatal(err)
	}
	defer func() { libraryCheck.err = nil }()
	next := generatedFor/10000*10000 + 10000
	libraryCheck.err = compatibleLibrary(next, generatedFor)
	c, err := NewServiceClient(WithBaseURL("http://127.0.0.1:1"), WithAPIKey("tml-test-key-0001"))
	if c != nil || CodeOf(err) != StatusFailedPrecondition {
		t.Fatalf("NewServiceClient with libtinker %s: (%v, %v)", versionText(next), c, err)
	}
	want := "NewServiceClient: libtinker.dev/tinker was generated for libtinker " + versionText(generatedFor)
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), versionText(next)) {
		t.Errorf("NewServiceClient: %q does not say %q and name %s", err, want, versionText(next))
	}
}
