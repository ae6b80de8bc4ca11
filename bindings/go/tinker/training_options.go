package tinker

import (
	"strings"
	"time"
)

// TrainingOption is an optional parameter of an operation: of those that create training or
// sampling clients, save or load checkpoints, of Sample, and of the REST client's listings and
// reads (a page, an access scope, a project, the audit log's filters). Each operation lists the
// options it takes; any other fails the call with StatusInvalidArgument before anything is sent.
// The options themselves are generated from the registry's optional parameters (options_gen.go).
type TrainingOption func(*trainingSettings)

func (s *trainingSettings) note(name string) { s.given = append(s.given, name) }

// trainingOptions applies opts for method, which accepts the options named in allowed.
func trainingOptions(method string, opts []TrainingOption, allowed ...string) (*trainingSettings, error) {
	s := &trainingSettings{}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	for _, name := range s.given {
		ok := false
		for _, a := range allowed {
			ok = ok || a == name
		}
		if !ok {
			return nil, invalidInput("%s does not take %s (it takes: %s)", method, name, strings.Join(allowed, ", "))
		}
	}
	return s, nil
}

// ttlSeconds is a WithTTL duration as tinker.h wants it: whole seconds rounded up, 0 = never.
func ttlSeconds(d time.Duration) (int64, error) {
	if d < 0 {
		return 0, invalidInput("WithTTL(%v) is negative", d)
	}
	secs := int64(d / time.Second)
	if d%time.Second != 0 {
		secs++
	}
	return secs, nil
}

// ttlArg is a positional time to live (RestClient.SetCheckpointTtlFromTinkerPath) as tinker.h
// wants it: whole seconds rounded up, 0 = never expires.
func ttlArg(d time.Duration) (int64, error) {
	if d < 0 {
		return 0, invalidInput("ttl %v is negative", d)
	}
	return ttlSeconds(d)
}

// intOr is an optional number (WithLimit, WithOffset): the value given, else the default. A value
// given is passed on unchanged, so libtinker judges its range.
func intOr(v *int, def int) int64 {
	if v == nil {
		return int64(def)
	}
	return int64(*v)
}
