package tinker_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
)

// emulatorTokenizerFile saves the tokenizer.json the emulator's Hugging Face Hub serves for its
// byte-level models (every byte one token, id = byte value) into a temporary file and returns its
// path and what removes it, so Example_tokenizer can show LoadTokenizer on a file. The path is ""
// when it cannot (the example's LoadTokenizer then fails and its output differs).
func emulatorTokenizerFile() (string, func()) {
	none := func() {}
	resp, err := http.Get(os.Getenv("TINKER_BASE_URL") + "/tinker-emulator/bytes/resolve/main/tokenizer.json")
	if err != nil {
		return "", none
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		return "", none
	}
	dir, err := os.MkdirTemp("", "tinker-example-tokenizer")
	if err != nil {
		return "", none
	}
	remove := func() { os.RemoveAll(dir) }
	path := filepath.Join(dir, "tokenizer.json")
	if os.WriteFile(path, body, 0o644) != nil {
		remove()
		return "", none
	}
	return path, remove
}

// temporaryDir makes an empty temporary directory (Example_getTokenizer's Hub cache) and returns
// it with what removes it.
func temporaryDir() (string, func()) {
	dir, err := os.MkdirTemp("", "tinker-example-hub-cache")
	if err != nil {
		return "", func() {}
	}
	return dir, func() { os.RemoveAll(dir) }
}
