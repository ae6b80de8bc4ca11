package tinker

import (
	"fmt"
	"sync"

	"libtinker.dev/tinker/internal/raw"
)

// The package is generated for one libtinker (generatedFor, generated_for_gen.go) but loads
// whichever libtinker.so.0 the dynamic linker finds. A library of another major version, or an
// older one, may lack operations, options or result fields the generated code relies on, which
// would surface as odd failures far from their cause; NewServiceClient refuses it instead, once,
// with both versions in the message.
var libraryCheck struct {
	once sync.Once
	err  error
}

// checkLibrary compares the loaded library with generatedFor on its first call and returns the
// same answer ever after.
func checkLibrary() error {
	libraryCheck.once.Do(func() {
		libraryCheck.err = compatibleLibrary(VersionNumber(), generatedFor)
	})
	return libraryCheck.err
}

// compatibleLibrary is nil when a library whose tinker_version_number() is loaded can serve a
// package generated for version built: same major version, and not older. Otherwise it is an
// *Error (StatusFailedPrecondition) naming both versions.
func compatibleLibrary(loaded, built int) error {
	if loaded/10000 == built/10000 && loaded >= built {
		return nil
	}
	return &Error{Code: StatusFailedPrecondition, Category: CategoryUser, Message: fmt.Sprintf(
		"libtinker.dev/tinker was generated for libtinker %s and needs a libtinker %d.x not older than that, "+
			"but the libtinker loaded at run time is %s: install a matching libtinker, or use the module "+
			"made for the installed one", versionText(built), built/10000, versionText(loaded))}
}

// versionText spells a version number (MAJOR*10000 + MINOR*100 + PATCH) as "MAJOR.MINOR.PATCH".
func versionText(n int) string {
	return fmt.Sprintf("%d.%d.%d", n/10000, n/100%100, n%100)
}

// VersionNumber is the run-time version of libtinker as MAJOR*10000 + MINOR*100 + PATCH
// (tinker_version_number), e.g. 100 for 0.1.0: comparable, unlike Version.
func VersionNumber() int { return raw.Tinker_version_number() }
