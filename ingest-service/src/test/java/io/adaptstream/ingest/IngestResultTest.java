package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestResultTest {

  @Test
  void shouldPrintTheResultLineWithReasonsSorted() {
    IngestResult result = new IngestResult("r1-llava.mix", 3, 120, 2,
        Map.of("missing_image", 4L, "corrupt_image", 1L), false, List.of(40L, 40L, 40L));

    assertThat(result.toJson()).isEqualTo("{\"release\":\"r1-llava.mix\",\"sequence\":3,\"accepted\":120,"
        + "\"duplicates\":2,\"rejected\":{\"corrupt_image\":1,\"missing_image\":4}}");
    assertThat(result.rejectedTotal()).isEqualTo(5);
  }

  @Test
  void shouldPrintAnEmptyRejectedObjectOnOneLine() {
    String json = new IngestResult("p", 0, 5, 0, Map.of(), true, List.of()).toJson();

    assertThat(json).isEqualTo("{\"release\":\"p\",\"sequence\":0,\"accepted\":5,\"duplicates\":0,\"rejected\":{}}")
        .doesNotContain("\n");
  }
}
