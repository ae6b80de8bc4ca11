/* The tokenizer's per-call arrays for this language (included by tinker.i before
 * tinker/tokenizer.h). Until they are written, the functions that need them are not wrapped. */
%ignore tinker_tokenizer_encode;
%ignore tinker_tokenizer_encode_batch;
%ignore tinker_tokenizer_decode;
