package io.adaptstream.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

  @Test
  void shouldReadAManifestWrittenBeforeTheDesignVersionAsDesignZeroWithNoUntestedSkills(@TempDir Path dir)
      throws Exception {
    // given a v1 manifest: no "design", no "untested"
    Files.writeString(dir.resolve(Manifest.FILE_NAME), """
        {"seed": 0, "size": "QUICK", "releases": [], "skills": {"caption.brief": "caption"}}
        """);

    // when it is read
    Manifest manifest = Manifest.read(dir);

    // then it reads as design 0 with every skill tested, so a reader can tell it from a current one
    assertThat(manifest.design()).isZero().isNotEqualTo(Manifest.CURRENT_DESIGN);
    assertThat(manifest.untested()).isEmpty();
    assertThat(manifest.skills()).containsEntry("caption.brief", "caption");
  }
}
