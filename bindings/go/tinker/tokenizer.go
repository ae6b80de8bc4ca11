package tinker

import (
	"strings"

	"libtinker.dev/tinker/internal/raw"
)

// Tokenizer is libtinker's native Hugging Face tokenizer (include/tinker/tokenizer.h,
// docs/tokenizer.md): it encodes text to token ids and decodes ids to text with the same results
// as Hugging Face `tokenizers`, for the byte-level BPE tokenizers of the models Tinker serves.
// Load one with LoadTokenizer or LoadTokenizerFromMemory, or get a model's with
// TrainingClient.GetTokenizer or SamplingClient.GetTokenizer. Every result comes from libtinker;
// whole arrays cross into C, never one token at a time (EncodeBatch: one call for all texts).
//
// A Tokenizer is immutable and safe for concurrent use. Close it when done (a finalizer frees one
// never closed); Close waits for calls running on other goroutines. After Close, Encode,
// EncodeBatch and Decode fail with StatusFailedPrecondition and the lookups answer "none" (0,
// false). The zero value and a nil pointer are no tokenizer: their methods behave as after Close.
type Tokenizer struct {
	h *handle[raw.Tinker_tokenizer]
}

// AddedToken is one of a tokenizer's added tokens (tokenizer.json's "added_tokens"), such as
// "<|im_end|>".
type AddedToken struct {
	Content string // the token's text
	ID      int32
	Special bool // left out by Decode with WithSkipSpecialTokens(true)
}

// EncodeOption changes how Encode and EncodeBatch encode.
type EncodeOption func(*encodeSettings)

// DecodeOption changes how Decode decodes.
type DecodeOption func(*decodeSettings)

type encodeSettings struct{ addSpecialTokens bool }

type decodeSettings struct{ skipSpecialTokens bool }

// WithAddSpecialTokens says whether Encode and EncodeBatch add the special tokens of the
// tokenizer's post-processor (Llama 3.1's <|begin_of_text|>): true by default, as in Hugging
// Face's encode.
func WithAddSpecialTokens(add bool) EncodeOption {
	return func(s *encodeSettings) { s.addSpecialTokens = add }
}

// WithSkipSpecialTokens says whether Decode leaves out the special added tokens
// (AddedToken.Special): false by default, as in Hugging Face's decode.
func WithSkipSpecialTokens(skip bool) DecodeOption {
	return func(s *decodeSettings) { s.skipSpecialTokens = skip }
}

// errNoTokenizer is what a zero-value or nil Tokenizer's methods return.
var errNoTokenizer = &Error{Code: StatusFailedPrecondition, Category: CategoryUser,
	Message: "use of a zero-value or nil Tokenizer (tokenizers are made by LoadTokenizer, " +
		"LoadTokenizerFromMemory and GetTokenizer)"}

// newTokenizer gives the Go value ownership of a loaded native tokenizer.
func newTokenizer(p uintptr) *Tokenizer {
	return &Tokenizer{h: newHandle[raw.Tinker_tokenizer](raw.SwigcptrTinker_tokenizer(p), raw.Tinker_tokenizer_free)}
}

// LoadTokenizer loads a tokenizer from path: a tokenizer.json file, or a directory laid out as a
// model snapshot on the Hugging Face Hub, holding tokenizer.json and, optionally,
// tokenizer_config.json (read for the bos, eos and pad tokens). A file that breaks the format
// fails with StatusInvalidArgument, a missing one with StatusNotFound, an unreadable one with
// StatusPermissionDenied, a component libtinker does not implement with StatusUnimplemented
// (named in the message; never an approximate tokenizer).
func LoadTokenizer(path string) (*Tokenizer, error) {
	const method = "LoadTokenizer"
	if _, err := cString(path, "path"); err != nil {
		return nil, within(method, err)
	}
	var p uintptr
	if err := raw.Tinker_tokenizer_load_file(path, &p); err != nil {
		return nil, fromRawAs(err, method)
	}
	return newTokenizer(p), nil
}

// LoadTokenizerFromMemory loads a tokenizer from the text of a tokenizer.json and, optionally, of
// its tokenizer_config.json (nil or empty for none). Both are only read during the call. Errors
// are those of LoadTokenizer, without the file ones.
func LoadTokenizerFromMemory(tokenizerJSON, configJSON []byte) (*Tokenizer, error) {
	var p uintptr
	if err := raw.Tinker_tokenizer_load_memory(tokenizerJSON, configJSON, &p); err != nil {
		return nil, fromRawAs(err, "LoadTokenizerFromMemory")
	}
	return newTokenizer(p), nil
}

// native is the tokenizer's handle; nil for a zero-value or nil Tokenizer.
func (t *Tokenizer) native() *handle[raw.Tinker_tokenizer] {
	if t == nil {
		return nil
	}
	return t.h
}

// Close releases the tokenizer once the calls running on other goroutines have returned.
// Idempotent; a no-op on a zero-value or nil Tokenizer.
func (t *Tokenizer) Close() { t.native().close(nil) }

// call runs f with the native tokenizer; errors name method. A closed tokenizer fails with
// StatusFailedPrecondition.
func (t *Tokenizer) call(method string, f func(raw.Tinker_tokenizer) error) error {
	err := t.native().use(f)
	switch err {
	case errUnset:
		return within(method, errNoTokenizer)
	case errClosed:
		return within(method, errClosed)
	}
	return err
}

// Encode encodes text (UTF-8; a NUL byte is text like any other) into token ids: added tokens
// first, then the normalizer, pre-tokenizer and model, then, unless WithAddSpecialTokens(false),
// the post-processor's special tokens. Text that is not valid UTF-8 fails with
// StatusInvalidArgument. The result is never nil.
func (t *Tokenizer) Encode(text string, opts ...EncodeOption) ([]int32, error) {
	const method = "Tokenizer.Encode"
	s := encodeSettings{addSpecialTokens: true}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	var ids []int32
	err := t.call(method, func(p raw.Tinker_tokenizer) error {
		return fromRawAs(raw.Tinker_tokenizer_encode(p, text, boolInt(s.addSpecialTokens), &ids), method)
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// EncodeBatch encodes every text as Encode would, on threads threads (0: one per core; never more
// than the texts or 256), in one call into libtinker. The i-th result is texts[i]'s ids. A
// negative threads fails with StatusInvalidArgument; a text that fails fails the whole batch,
// with the error of the first failing text in order, named by its index ("text 3: ...").
func (t *Tokenizer) EncodeBatch(texts []string, threads int, opts ...EncodeOption) ([][]int32, error) {
	const method = "Tokenizer.EncodeBatch"
	s := encodeSettings{addSpecialTokens: true}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	if threads < 0 {
		return nil, invalidInput("%s: threads must be >= 0 (0: one per core), got %d", method, threads)
	}
	// The texts travel as one string and their lengths: cgo cannot pass a []string, whose elements
	// are Go pointers.
	lengths := make([]int64, len(texts))
	total := 0
	for i, text := range texts {
		lengths[i] = int64(len(text))
		total += len(text)
	}
	var joined strings.Builder
	joined.Grow(total)
	for _, text := range texts {
		joined.WriteString(text)
	}
	counts := make([]int64, len(texts))
	var flat []int32
	err := t.call(method, func(p raw.Tinker_tokenizer) error {
		if len(texts) == 0 {
			return nil
		}
		return fromRawAs(raw.Tinker_go_tokenizer_encode_batch(p, joined.String(), lengths, int64(threads),
			boolInt(s.addSpecialTokens), &flat, counts), method)
	})
	if err != nil {
		return nil, err
	}
	// One backing array for all results; each is capped at its own end, so appending to one never
	// writes into the next.
	out := make([][]int32, len(texts))
	at := int64(0)
	for i, n := range counts {
		out[i] = flat[at : at+n : at+n]
		at += n
	}
	return out, nil
}

// Decode decodes token ids to UTF-8 text with the tokenizer's decoder; with
// WithSkipSpecialTokens(true) the special added tokens are left out. Bytes that do not form
// valid UTF-8 (a character cut across ids) become U+FFFD, as Hugging Face's decode does; the text
// may hold NUL bytes. An id that names no token fails with StatusInvalidArgument (Hugging Face
// would skip it).
func (t *Tokenizer) Decode(ids []int32, opts ...DecodeOption) (string, error) {
	const method = "Tokenizer.Decode"
	var s decodeSettings
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	var text string
	err := t.call(method, func(p raw.Tinker_tokenizer) error {
		return fromRawAs(raw.Tinker_tokenizer_decode(p, ids, boolInt(s.skipSpecialTokens), &text), method)
	})
	return text, err
}

// token reads one of the tokenizer's borrowed token strings (see tinker_go_token in
// tokenizer_go.i), copied before the tokenizer can be closed.
func (t *Tokenizer) token(kind raw.Tinker_go_token_kind, arg int64) (string, bool) {
	var s string
	found := false
	_ = t.native().use(func(p raw.Tinker_tokenizer) error {
		found = raw.Tinker_go_token(p, int(kind), arg, &s) != 0
		return nil
	})
	return s, found
}

// tokenID reads one of the tokenizer's ids, -1 meaning none.
func (t *Tokenizer) tokenID(get func(raw.Tinker_tokenizer) int) (int32, bool) {
	id := -1
	_ = t.native().use(func(p raw.Tinker_tokenizer) error {
		id = get(p)
		return nil
	})
	if id < 0 {
		return -1, false
	}
	return int32(id), true
}

// TokenToID returns the id of the token spelled token (in the model's vocabulary or an added
// token; byte-level tokens in their byte-level alphabet, e.g. "Ġthe"), and false when there is
// none.
func (t *Tokenizer) TokenToID(token string) (int32, bool) {
	if strings.IndexByte(token, 0) >= 0 {
		return -1, false // C would read the token only up to the NUL: no token holds one
	}
	return t.tokenID(func(p raw.Tinker_tokenizer) int { return raw.Tinker_tokenizer_token_to_id(p, token) })
}

// IDToToken returns the token of id as the vocabulary spells it, and false when id names no
// token.
func (t *Tokenizer) IDToToken(id int32) (string, bool) {
	return t.token(raw.TINKER_GO_ID_TO_TOKEN, int64(id))
}

// VocabSize is the number of distinct token ids: the model's vocabulary and the added tokens
// (151669 for Qwen3, 128256 for Llama 3.1).
func (t *Tokenizer) VocabSize() int {
	n := 0
	_ = t.native().use(func(p raw.Tinker_tokenizer) error {
		n = int(raw.Tinker_tokenizer_vocab_size(p))
		return nil
	})
	return n
}

// BOSToken returns the beginning-of-sequence token (tokenizer_config.json's bos_token, else the
// special token the post-processor's template puts first), and false when there is none (Qwen3).
func (t *Tokenizer) BOSToken() (string, bool) { return t.token(raw.TINKER_GO_BOS_TOKEN, 0) }

// BOSTokenID returns the id of BOSToken, and false when there is none.
func (t *Tokenizer) BOSTokenID() (int32, bool) { return t.tokenID(raw.Tinker_tokenizer_bos_token_id) }

// EOSToken returns the end-of-sequence token (tokenizer_config.json's eos_token, else the special
// token the post-processor's template puts last), and false when there is none.
func (t *Tokenizer) EOSToken() (string, bool) { return t.token(raw.TINKER_GO_EOS_TOKEN, 0) }

// EOSTokenID returns the id of EOSToken, and false when there is none.
func (t *Tokenizer) EOSTokenID() (int32, bool) { return t.tokenID(raw.Tinker_tokenizer_eos_token_id) }

// PadToken returns the padding token (tokenizer_config.json's pad_token, else tokenizer.json's
// padding settings), and false when there is none.
func (t *Tokenizer) PadToken() (string, bool) { return t.token(raw.TINKER_GO_PAD_TOKEN, 0) }

// PadTokenID returns the id of PadToken, and false when there is none.
func (t *Tokenizer) PadTokenID() (int32, bool) { return t.tokenID(raw.Tinker_tokenizer_pad_token_id) }

// AddedTokens returns the tokenizer's added tokens (tokenizer.json's "added_tokens", empty ones
// left out), in file order; nil after Close.
func (t *Tokenizer) AddedTokens() []AddedToken {
	var out []AddedToken
	_ = t.native().use(func(p raw.Tinker_tokenizer) error {
		n := raw.Tinker_tokenizer_added_token_count(p)
		out = make([]AddedToken, 0, n)
		for i := int64(0); i < n; i++ {
			var content string
			raw.Tinker_go_token(p, int(raw.TINKER_GO_ADDED_TOKEN_CONTENT), i, &content)
			out = append(out, AddedToken{Content: content, ID: int32(raw.Tinker_tokenizer_added_token_id(p, i)),
				Special: raw.Tinker_tokenizer_added_token_is_special(p, i) != 0})
		}
		return nil
	})
	return out
}
