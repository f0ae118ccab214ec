package io.adaptstream.model;

/**
 * What a learner needs of a tokenizer: text to ids and back, the ids of the four specials every layout uses, and
 * the vocabulary the model's logits must cover.
 *
 * <p>Why an interface: the built-in model is tied to {@link ByteTokenizer} (its vocabulary is fixed at 260), but a
 * user's TorchScript module may have been trained with its own Hugging Face tokenizer ({@link HfTokenizer}).
 * {@link ExampleLayout}, {@link AnswerTargets} and the {@link Evaluator}'s decoding take one of these, so the same
 * layout and loss code serve both; {@link #BYTES} is the byte tokenizer seen through it.
 */
interface TextTokenizer {

  /** {@link ByteTokenizer} through this interface. */
  TextTokenizer BYTES = new TextTokenizer() {
    @Override
    public int[] encode(String text) {
      return ByteTokenizer.encode(text);
    }

    @Override
    public String decode(int[] ids, int from, int to) {
      return ByteTokenizer.decode(ids, from, to);
    }

    @Override
    public boolean isSpecial(int id) {
      return ByteTokenizer.isSpecial(id);
    }

    @Override
    public int bos() {
      return ByteTokenizer.BOS;
    }

    @Override
    public int eos() {
      return ByteTokenizer.EOS;
    }

    @Override
    public int pad() {
      return ByteTokenizer.PAD;
    }

    @Override
    public int sep() {
      return ByteTokenizer.SEP;
    }

    @Override
    public int vocabSize() {
      return ByteTokenizer.VOCAB_SIZE;
    }

    @Override
    public String toString() {
      return LearnerConfig.BYTE_TOKENIZER;
    }
  };

  /** The ids of {@code text}, without any special token. */
  int[] encode(String text);

  /** {@code ids[from, to)} back to text, skipping specials. */
  String decode(int[] ids, int from, int to);

  /** Whether {@code id} is a special token (generation stops at one). */
  boolean isSpecial(int id);

  /** Start of every sequence. */
  int bos();

  /** End of an answer (a gpt turn). */
  int eos();

  /** Padding; never a loss target. */
  int pad();

  /** End of a human turn. */
  int sep();

  /** One more than the largest id: the size of the logits' last axis. */
  int vocabSize();
}
