package tinker

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// The tokenizers of these tests are written by them: byte-level BPE over the 256 byte symbols
// (id = byte value), three merges (h e → he = 256, l l → ll = 257, he ll → hell = 258) and four
// added tokens, three of them special; the post-processor's template puts <s> first. So "hello"
// is [<s>, hell, o] = [259, 258, 111].
const (
	idHe, idLl, idHell              = 256, 257, 258
	idBOS, idEOS, idPad, idThink    = 259, 260, 261, 262
	testVocabSize                   = 263
	testBOS, testEOS, testPad       = "<s>", "</s>", "<pad>"
	testThink                       = "<think>"
	helloText                       = "hello"
	unsupportedPreTokenizerFragment = "Metaspace"
)

// byteSymbol is GPT-2's byte-to-unicode table: printable Latin-1 bytes stand for themselves, the
// others for U+0100 onwards in byte order.
func byteSymbol(b int) string {
	printable := func(c int) bool { return c >= '!' && c <= '~' || c >= 0xA1 && c <= 0xAC || c >= 0xAE && c <= 0xFF }
	if printable(b) {
		return string(rune(b))
	}
	cp := 256
	for c := 0; c < b; c++ {
		if !printable(c) {
			cp++
		}
	}
	return string(rune(cp))
}

func testTokenizerJSON(t testing.TB, preTokenizer string) []byte {
	t.Helper()
	vocab := map[string]int{}
	for b := 0; b < 256; b++ {
		vocab[byteSymbol(b)] = b
	}
	vocab["he"], vocab["ll"], vocab["hell"] = idHe, idLl, idHell
	byteLevel := map[string]any{"type": preTokenizer, "add_prefix_space": false, "trim_offsets": true, "use_regex": true}
	added := func(id int, content string, special bool) map[string]any {
		return map[string]any{"id": id, "content": content, "single_word": false, "lstrip": false, "rstrip": false,
			"normalized": false, "special": special}
	}
	doc := map[string]any{
		"version": "1.0", "truncation": nil, "padding": nil, "normalizer": nil,
		"added_tokens": []any{added(idBOS, testBOS, true), added(idEOS, testEOS, true), added(idPad, testPad, true),
			added(idThink, testThink, false)},
		"pre_tokenizer": byteLevel,
		"post_processor": map[string]any{
			"type":   "TemplateProcessing",
			"single": []any{map[string]any{"SpecialToken": map[string]any{"id": testBOS, "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"pair": []any{map[string]any{"SpecialToken": map[string]any{"id": testBOS, "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}},
				map[string]any{"Sequence": map[string]any{"id": "B", "type_id": 1}}},
			"special_tokens": map[string]any{testBOS: map[string]any{"id": testBOS, "ids": []int{idBOS}, "tokens": []string{testBOS}}},
		},
		"decoder": map[string]any{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
		"model": map[string]any{"type": "BPE", "dropout": nil, "unk_token": nil, "continuing_subword_prefix": nil,
			"end_of_word_suffix": nil, "fuse_unk": false, "byte_fallback": false, "ignore_merges": false,
			"vocab": vocab, "merges": []string{"h e", "l l", "he ll"}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testTokenizerConfig() []byte {
	return []byte(`{"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "tokenizer_class": "PreTrainedTokenizerFast"}`)
}

// loadTestTokenizer loads the test tokenizer with its tokenizer_config.json, closed when the test
// ends.
func loadTestTokenizer(t *testing.T) *Tokenizer {
	t.Helper()
	tok, err := LoadTokenizerFromMemory(testTokenizerJSON(t, "ByteLevel"), testTokenizerConfig())
	if err != nil {
		t.Fatalf("LoadTokenizerFromMemory: %v", err)
	}
	t.Cleanup(tok.Close)
	return tok
}

func wantCode(t *testing.T, what string, err error, code Status) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("%s: got %v, want an *Error with %v", what, err, code)
	}
	return e
}

func TestTokenizerEncodeAddsSpecialTokensByDefault(t *testing.T) {
	tok := loadTestTokenizer(t)
	ids, err := tok.Encode(helloText)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{idBOS, idHell, 'o'}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Encode(%q) = %v, want %v", helloText, ids, want)
	}
	ids, err = tok.Encode(helloText, WithAddSpecialTokens(false))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{idHell, 'o'}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Encode(%q, WithAddSpecialTokens(false)) = %v, want %v", helloText, ids, want)
	}
}

func TestTokenizerRoundTripsText(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, text := range []string{"", helloText, "hello world, hello again", "héllo wörld ✓ 日本語 🙂", "tab\tnewline\n"} {
		ids, err := tok.Encode(text, WithAddSpecialTokens(false))
		if err != nil {
			t.Fatalf("Encode(%q): %v", text, err)
		}
		if ids == nil {
			t.Fatalf("Encode(%q) = nil, want a non-nil slice", text)
		}
		back, err := tok.Decode(ids)
		if err != nil {
			t.Fatalf("Decode(%v): %v", ids, err)
		}
		if back != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, back)
		}
	}
}

func TestTokenizerDecodeSkipsSpecialTokensOnlyWhenAsked(t *testing.T) {
	tok := loadTestTokenizer(t)
	ids := []int32{idBOS, idHell, 'o', idThink, idEOS}
	got, err := tok.Decode(ids)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<s>hello<think></s>"; got != want {
		t.Errorf("Decode(%v) = %q, want %q", ids, got, want)
	}
	got, err = tok.Decode(ids, WithSkipSpecialTokens(true))
	if err != nil {
		t.Fatal(err)
	}
	if want := "hello<think>"; got != want { // <think> is added but not special
		t.Errorf("Decode(%v, WithSkipSpecialTokens(true)) = %q, want %q", ids, got, want)
	}
	if got, err := tok.Decode(nil); err != nil || got != "" {
		t.Errorf("Decode(nil) = (%q, %v), want (\"\", nil)", got, err)
	}
}

func TestTokenizerEncodeFindsAddedTokensInText(t *testing.T) {
	tok := loadTestTokenizer(t)
	ids, err := tok.Encode("<think>he</s>", WithAddSpecialTokens(false))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{idThink, idHe, idEOS}; !reflect.DeepEqual(ids, want) {
		t.Fatalf("Encode = %v, want %v", ids, want)
	}
}

func TestTokenizerDecodeOfUnknownIDIsInvalidArgument(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, id := range []int32{testVocabSize, 1 << 30, -1} {
		text, err := tok.Decode([]int32{'h', id})
		e := wantCode(t, fmt.Sprintf("Decode of id %d", id), err, StatusInvalidArgument)
		if text != "" {
			t.Errorf("Decode of id %d returned text %q with its error", id, text)
		}
		if !strings.HasPrefix(e.Message, "Tokenizer.Decode: ") || !strings.Contains(e.Message, fmt.Sprint(id)) {
			t.Errorf("message %q should name Tokenizer.Decode and the id %d", e.Message, id)
		}
		if !errors.Is(err, StatusInvalidArgument) {
			t.Errorf("errors.Is(%v, StatusInvalidArgument) = false", err)
		}
	}
}

func TestTokenizerRefusesInvalidUTF8(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, text := range []string{"\xff", "ok\xc3", "a\xed\xa0\x80b"} { // stray byte, cut sequence, surrogate
		if utf8.ValidString(text) {
			t.Fatalf("%q is valid UTF-8", text)
		}
		ids, err := tok.Encode(text)
		e := wantCode(t, fmt.Sprintf("Encode(%q)", text), err, StatusInvalidArgument)
		if ids != nil {
			t.Errorf("Encode(%q) returned ids %v with its error", text, ids)
		}
		if !strings.HasPrefix(e.Message, "Tokenizer.Encode: ") {
			t.Errorf("message %q should name Tokenizer.Encode", e.Message)
		}
	}
}

// A NUL byte is text: it is encoded (as byte 0's token) and decoded back, in the middle and at
// either end, never cutting the text short.
func TestTokenizerNULSurvivesEncodeAndDecode(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, text := range []string{"a\x00b", "\x00hello", "hello\x00", "\x00\x00"} {
		ids, err := tok.Encode(text, WithAddSpecialTokens(false))
		if err != nil {
			t.Fatalf("Encode(%q): %v", text, err)
		}
		nul := 0
		for _, id := range ids {
			if id == 0 {
				nul++
			}
		}
		if want := strings.Count(text, "\x00"); nul != want {
			t.Errorf("Encode(%q) = %v: %d NUL tokens, want %d", text, ids, nul, want)
		}
		back, err := tok.Decode(ids)
		if err != nil {
			t.Fatalf("Decode(%v): %v", ids, err)
		}
		if back != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, back)
		}
	}
}

// A character cut across two decodes comes back as U+FFFD, as Hugging Face's lossy decode does.
func TestTokenizerDecodeOfACutCharacterIsReplacementCharacter(t *testing.T) {
	tok := loadTestTokenizer(t)
	ids, err := tok.Encode("é", WithAddSpecialTokens(false)) // two byte tokens
	if err != nil || len(ids) != 2 {
		t.Fatalf("Encode(é) = (%v, %v), want two byte tokens", ids, err)
	}
	if got, err := tok.Decode(ids[:1]); err != nil || got != "\uFFFD" {
		t.Errorf("Decode(first half of é) = (%q, %v), want U+FFFD", got, err)
	}
}

func TestTokenizerEncodeBatchEqualsOneByOne(t *testing.T) {
	tok := loadTestTokenizer(t)
	texts := []string{helloText, "", "a\x00b", "héllo wörld 🙂", "<think>hell</s>"}
	for i := 0; i < 200; i++ {
		texts = append(texts, strings.Repeat("hello world ", i%17)+fmt.Sprint(i))
	}
	for _, add := range []bool{true, false} {
		want := make([][]int32, len(texts))
		for i, text := range texts {
			ids, err := tok.Encode(text, WithAddSpecialTokens(add))
			if err != nil {
				t.Fatal(err)
			}
			want[i] = ids
		}
		for _, threads := range []int{0, 1, 2, 7} {
			got, err := tok.EncodeBatch(texts, threads, WithAddSpecialTokens(add))
			if err != nil {
				t.Fatalf("EncodeBatch(threads %d): %v", threads, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("EncodeBatch(threads %d, add %v) differs from Encode one by one", threads, add)
			}
		}
	}
}

// Each result of EncodeBatch is a slice of its own: appending to one leaves the next intact.
func TestTokenizerEncodeBatchResultsDoNotOverlap(t *testing.T) {
	tok := loadTestTokenizer(t)
	got, err := tok.EncodeBatch([]string{"ab", "cd"}, 0, WithAddSpecialTokens(false))
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got[0], 'x')
	if want := []int32{'c', 'd'}; !reflect.DeepEqual(got[1], want) {
		t.Fatalf("after append to the first result the second is %v, want %v", got[1], want)
	}
}

func TestTokenizerEncodeBatchEdgeCases(t *testing.T) {
	tok := loadTestTokenizer(t)
	if got, err := tok.EncodeBatch(nil, 0); err != nil || got == nil || len(got) != 0 {
		t.Errorf("EncodeBatch(nil) = (%v, %v), want an empty batch", got, err)
	}
	_, err := tok.EncodeBatch([]string{"a"}, -1)
	wantCode(t, "EncodeBatch with threads -1", err, StatusInvalidArgument)
	// The first failing text in order is the batch's error, named by its index.
	_, err = tok.EncodeBatch([]string{"fine", "also fine", "bad \xff", "bad \xfe"}, 2)
	e := wantCode(t, "EncodeBatch with invalid UTF-8", err, StatusInvalidArgument)
	if !strings.HasPrefix(e.Message, "Tokenizer.EncodeBatch: ") || !strings.Contains(e.Message, "2") {
		t.Errorf("message %q should name Tokenizer.EncodeBatch and text 2", e.Message)
	}
}

func TestTokenizerVocabularyLookups(t *testing.T) {
	tok := loadTestTokenizer(t)
	if n := tok.VocabSize(); n != testVocabSize {
		t.Errorf("VocabSize() = %d, want %d", n, testVocabSize)
	}
	for token, want := range map[string]int32{"hell": idHell, "h": 'h', byteSymbol(' '): ' ', testThink: idThink, testEOS: idEOS} {
		if id, ok := tok.TokenToID(token); !ok || id != want {
			t.Errorf("TokenToID(%q) = (%d, %v), want (%d, true)", token, id, ok, want)
		}
		if got, ok := tok.IDToToken(want); !ok || got != token {
			t.Errorf("IDToToken(%d) = (%q, %v), want (%q, true)", want, got, ok, token)
		}
	}
	for _, token := range []string{"nope", "", "h\x00"} {
		if id, ok := tok.TokenToID(token); ok || id != -1 {
			t.Errorf("TokenToID(%q) = (%d, %v), want (-1, false)", token, id, ok)
		}
	}
	for _, id := range []int32{-1, testVocabSize, 1 << 30} {
		if got, ok := tok.IDToToken(id); ok || got != "" {
			t.Errorf("IDToToken(%d) = (%q, %v), want (\"\", false)", id, got, ok)
		}
	}
}

func TestTokenizerSpecialTokensFromTheConfig(t *testing.T) {
	tok := loadTestTokenizer(t)
	for _, c := range []struct {
		name   string
		token  func() (string, bool)
		id     func() (int32, bool)
		want   string
		wantID int32
	}{
		{"BOS", tok.BOSToken, tok.BOSTokenID, testBOS, idBOS},
		{"EOS", tok.EOSToken, tok.EOSTokenID, testEOS, idEOS},
		{"Pad", tok.PadToken, tok.PadTokenID, testPad, idPad},
	} {
		if got, ok := c.token(); !ok || got != c.want {
			t.Errorf("%sToken() = (%q, %v), want (%q, true)", c.name, got, ok, c.want)
		}
		if got, ok := c.id(); !ok || got != c.wantID {
			t.Errorf("%sTokenID() = (%d, %v), want (%d, true)", c.name, got, ok, c.wantID)
		}
	}
}

// Without tokenizer_config.json, bos is the template's first special token and there is no eos
// or pad: "none" is (zero value, false), never a token spelled "".
func TestTokenizerAbsentSpecialTokensAreNone(t *testing.T) {
	tok, err := LoadTokenizerFromMemory(testTokenizerJSON(t, "ByteLevel"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tok.Close()
	if got, ok := tok.BOSToken(); !ok || got != testBOS {
		t.Errorf("BOSToken() = (%q, %v), want (%q, true)", got, ok, testBOS)
	}
	if got, ok := tok.EOSToken(); ok || got != "" {
		t.Errorf("EOSToken() = (%q, %v), want none", got, ok)
	}
	if got, ok := tok.EOSTokenID(); ok || got != -1 {
		t.Errorf("EOSTokenID() = (%d, %v), want (-1, false)", got, ok)
	}
	if got, ok := tok.PadToken(); ok || got != "" {
		t.Errorf("PadToken() = (%q, %v), want none", got, ok)
	}
	if got, ok := tok.PadTokenID(); ok || got != -1 {
		t.Errorf("PadTokenID() = (%d, %v), want (-1, false)", got, ok)
	}
}

func TestTokenizerAddedTokens(t *testing.T) {
	tok := loadTestTokenizer(t)
	want := []AddedToken{{testBOS, idBOS, true}, {testEOS, idEOS, true}, {testPad, idPad, true}, {testThink, idThink, false}}
	if got := tok.AddedTokens(); !reflect.DeepEqual(got, want) {
		t.Errorf("AddedTokens() = %v, want %v", got, want)
	}
}

// LoadTokenizer reads a tokenizer.json file, or a snapshot directory with tokenizer_config.json.
func TestLoadTokenizerFromFileAndSnapshotDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tokenizer.json"), testTokenizerJSON(t, "ByteLevel"), 0o644); err != nil {
		t.Fatal(err)
	}
	file, err := LoadTokenizer(filepath.Join(dir, "tokenizer.json"))
	if err != nil {
		t.Fatalf("LoadTokenizer(file): %v", err)
	}
	defer file.Close()
	if _, ok := file.EOSToken(); ok {
		t.Error("a bare tokenizer.json has no eos token here")
	}
	if err := os.WriteFile(filepath.Join(dir, "tokenizer_config.json"), testTokenizerConfig(), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := LoadTokenizer(dir)
	if err != nil {
		t.Fatalf("LoadTokenizer(dir): %v", err)
	}
	defer snap.Close()
	if got, ok := snap.EOSToken(); !ok || got != testEOS {
		t.Errorf("EOSToken() of the snapshot = (%q, %v), want %q from its tokenizer_config.json", got, ok, testEOS)
	}
	for _, tok := range []*Tokenizer{file, snap} {
		if ids, err := tok.Encode(helloText); err != nil || !reflect.DeepEqual(ids, []int32{idBOS, idHell, 'o'}) {
			t.Errorf("Encode(%q) = (%v, %v)", helloText, ids, err)
		}
	}
}

func TestLoadTokenizerFailures(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadTokenizer(filepath.Join(dir, "missing.json"))
	e := wantCode(t, "LoadTokenizer of a missing file", err, StatusNotFound)
	if !strings.HasPrefix(e.Message, "LoadTokenizer: ") {
		t.Errorf("message %q should name LoadTokenizer", e.Message)
	}
	_, err = LoadTokenizer(dir + "\x00x")
	wantCode(t, "LoadTokenizer of a path with a NUL", err, StatusInvalidArgument)
	_, err = LoadTokenizerFromMemory([]byte(`{"model": `), nil)
	e = wantCode(t, "LoadTokenizerFromMemory of malformed JSON", err, StatusInvalidArgument)
	if !strings.HasPrefix(e.Message, "LoadTokenizerFromMemory: ") {
		t.Errorf("message %q should name LoadTokenizerFromMemory", e.Message)
	}
	_, err = LoadTokenizerFromMemory(nil, nil)
	wantCode(t, "LoadTokenizerFromMemory of nothing", err, StatusInvalidArgument)
	_, err = LoadTokenizerFromMemory(testTokenizerJSON(t, unsupportedPreTokenizerFragment), nil)
	e = wantCode(t, "LoadTokenizerFromMemory of an unsupported pre-tokenizer", err, StatusUnimplemented)
	if !strings.Contains(e.Message, unsupportedPreTokenizerFragment) {
		t.Errorf("message %q should name the unsupported component", e.Message)
	}
}

func TestTokenizerUseAfterCloseFailsCleanly(t *testing.T) {
	tok, err := LoadTokenizerFromMemory(testTokenizerJSON(t, "ByteLevel"), testTokenizerConfig())
	if err != nil {
		t.Fatal(err)
	}
	tok.Close()
	tok.Close() // idempotent
	_, err = tok.Encode(helloText)
	e := wantCode(t, "Encode after Close", err, StatusFailedPrecondition)
	if !strings.HasPrefix(e.Message, "Tokenizer.Encode: ") {
		t.Errorf("message %q should name Tokenizer.Encode", e.Message)
	}
	_, err = tok.EncodeBatch([]string{helloText}, 0)
	wantCode(t, "EncodeBatch after Close", err, StatusFailedPrecondition)
	_, err = tok.Decode([]int32{'h'})
	wantCode(t, "Decode after Close", err, StatusFailedPrecondition)
	if n := tok.VocabSize(); n != 0 {
		t.Errorf("VocabSize() after Close = %d", n)
	}
	if _, ok := tok.TokenToID("h"); ok {
		t.Error("TokenToID after Close found a token")
	}
	if _, ok := tok.IDToToken('h'); ok {
		t.Error("IDToToken after Close found a token")
	}
	if _, ok := tok.BOSToken(); ok {
		t.Error("BOSToken after Close found a token")
	}
	if got := tok.AddedTokens(); got != nil {
		t.Errorf("AddedTokens() after Close = %v", got)
	}
	for _, z := range []*Tokenizer{nil, {}} {
		_, err := z.Encode(helloText)
		wantCode(t, "Encode on a zero-value or nil Tokenizer", err, StatusFailedPrecondition)
		z.Close()
	}
}

// Encoding on many goroutines while another closes the tokenizer: each call either finishes with
// the right ids or fails with StatusFailedPrecondition, never touching a freed tokenizer (run
// under -race; a use after free would crash or corrupt results).
func TestTokenizerConcurrentUseAndClose(t *testing.T) {
	tok, err := LoadTokenizerFromMemory(testTokenizerJSON(t, "ByteLevel"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []int32{idBOS, idHell, 'o'}
	var wg, started sync.WaitGroup
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		started.Add(1)
		go func() {
			defer wg.Done()
			signalled := false
			defer func() {
				if !signalled {
					started.Done()
				}
			}()
			for i := 0; ; i++ {
				if i == 20 {
					signalled = true
					started.Done() // closing now overlaps calls still running
				}
				ids, err := tok.Encode(helloText)
				if err != nil {
					if CodeOf(err) != StatusFailedPrecondition || i < 20 {
						errs <- err
					}
					return
				}
				if !reflect.DeepEqual(ids, want) {
					errs <- fmt.Errorf("Encode = %v, want %v", ids, want)
					return
				}
				if text, err := tok.Decode(ids, WithSkipSpecialTokens(true)); err == nil && text != helloText {
					errs <- fmt.Errorf("Decode = %q", text)
					return
				}
				if _, err := tok.EncodeBatch([]string{helloText, helloText}, 2); err != nil && CodeOf(err) != StatusFailedPrecondition {
					errs <- err
					return
				}
				runtime.Gosched()
			}
		}()
	}
	started.Wait()
	tok.Close()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
