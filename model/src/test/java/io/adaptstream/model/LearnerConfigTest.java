package io.adaptstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerConfigTest {

  @Test
  void shouldChooseTheBuiltinModelWhenNoKeyIsSet() {
    // when
    LearnerConfig config = LearnerConfig.from(Map.of());

    // then
    assertThat(config.kind()).isEqualTo(LearnerConfig.Kind.BUILTIN);
    assertThat(config.path()).isNull();
    assertThat(config.trainable().pattern()).isEqualTo(LearnerConfig.ALL_PARAMETERS);
    assertThat(config.tokenizer()).isEqualTo(LearnerConfig.BYTE_TOKENIZER);
  }

  @Test
  void shouldReadTheTorchScriptKeysWhenTheKindIsTorchScript() {
    // given
    Map<String, Object> values = new HashMap<>();
    values.put(LearnerConfig.KIND, "TorchScript");
    values.put(LearnerConfig.PATH, TorchScriptLearnerTest.fixture().toString());
    values.put(LearnerConfig.TRAINABLE_PATTERN, "lm_head\\..*|layers\\.1\\..*");

    // when
    LearnerConfig config = LearnerConfig.from(values);

    // then
    assertThat(config.kind()).isEqualTo(LearnerConfig.Kind.TORCHSCRIPT);
    assertThat(config.path()).isEqualTo(TorchScriptLearnerTest.fixture());
    assertThat(config.trainable().matcher("layers.1.fc1.weight").matches()).isTrue();
    assertThat(config.trainable().matcher("layers.0.fc1.weight").matches()).isFalse();
  }

  @Test
  void shouldLetAServiceThatOnlyLoadsCheckpointsOmitThePathButRefuseToCreateWithoutIt() {
    // given
    LearnerConfig config = LearnerConfig.from(Map.of(LearnerConfig.KIND, "torchscript"));

    // when / then
    assertThat(config.path()).isNull();
    assertThatThrownBy(() -> Learners.create(config, SyntheticSamples.tinyConfig(), 0, ComputeDevice.CPU))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(LearnerConfig.PATH);
  }

  @Test
  void shouldRefuseAModulePathThatIsNotAReadableFile() {
    assertThatThrownBy(() -> LearnerConfig.from(Map.of(LearnerConfig.KIND, "torchscript", LearnerConfig.PATH,
        "/no/such/module.pt"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a readable");
  }

  @Test
  void shouldRefuseBadValuesNamingTheKey() {
    assertThatThrownBy(() -> LearnerConfig.from(Map.of(LearnerConfig.KIND, "onnx")))
        .hasMessageContaining(LearnerConfig.KIND);
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TRAINABLE_PATTERN, "lm_head.("))
        .hasMessageContaining(LearnerConfig.TRAINABLE_PATTERN);
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TOKENIZER, "tokenizer.json"))
        .hasMessageContaining(LearnerConfig.TOKENIZER);
    assertThatThrownBy(() -> LearnerConfig.validate("model.colour", "red")).hasMessageContaining("model.colour");
  }

  @Test
  void shouldAcceptATokenizerJsonPathWhenTheKindIsTorchScript() {
    // given
    Map<String, Object> values = new HashMap<>();
    values.put(LearnerConfig.KIND, "torchscript");
    values.put(LearnerConfig.PATH, TorchScriptLearnerTest.fixture().toString());
    values.put(LearnerConfig.TOKENIZER, HfTokenizerTest.fixture().toString());

    // when
    LearnerConfig config = LearnerConfig.from(values);

    // then
    assertThat(config.byteTokenizer()).isFalse();
    assertThat(config.tokenizerPath()).isEqualTo(HfTokenizerTest.fixture());
    LearnerConfig.validate(LearnerConfig.TOKENIZER, HfTokenizerTest.fixture().toString());
    LearnerConfig.validate(LearnerConfig.TOKENIZER, LearnerConfig.BYTE_TOKENIZER);
  }

  @Test
  void shouldRefuseATokenizerThatIsNotAReadableTokenizerJson(@TempDir Path dir) throws IOException {
    // given
    Path notATokenizer = dir.resolve("config.json");
    Files.writeString(notATokenizer, "{\"hidden_size\": 64}");
    Path notJson = dir.resolve("tokenizer.model");
    Files.writeString(notJson, "sentencepiece");

    // when / then
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TOKENIZER, dir.resolve("missing.json").toString()))
        .hasMessageContaining(LearnerConfig.TOKENIZER).hasMessageContaining("not a readable file");
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TOKENIZER, notATokenizer.toString()))
        .hasMessageContaining(LearnerConfig.TOKENIZER).hasMessageContaining("model.vocab");
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TOKENIZER, notJson.toString()))
        .hasMessageContaining(LearnerConfig.TOKENIZER).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> LearnerConfig.validate(LearnerConfig.TOKENIZER, " "))
        .hasMessageContaining(LearnerConfig.TOKENIZER);
    assertThatThrownBy(() -> LearnerConfig.from(Map.of(LearnerConfig.KIND, "torchscript", LearnerConfig.TOKENIZER,
        notATokenizer.toString()))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(LearnerConfig.TOKENIZER);
  }

  @Test
  void shouldRefuseATokenizerJsonForTheBuiltinModel() {
    assertThatThrownBy(() -> new LearnerConfig(LearnerConfig.Kind.BUILTIN, null,
        java.util.regex.Pattern.compile(".*"), HfTokenizerTest.fixture().toString()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("torchscript");
  }

  @Test
  void shouldDocumentEveryKeyAndAcceptEveryDefault() {
    assertThat(LearnerConfig.KEYS).extracting(LearnerConfig.Key::name).containsExactly(LearnerConfig.KIND,
        LearnerConfig.PATH, LearnerConfig.TRAINABLE_PATTERN, LearnerConfig.TOKENIZER);
    for (LearnerConfig.Key key : LearnerConfig.KEYS) {
      assertThat(key.doc()).as(key.name()).isNotBlank();
      LearnerConfig.validate(key.name(), key.defaultValue());
    }
  }
}
