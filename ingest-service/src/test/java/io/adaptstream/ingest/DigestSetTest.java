package io.adaptstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.adaptstream.blob.Sha256;
import org.junit.jupiter.api.Test;

class DigestSetTest {

  @Test
  void shouldRememberEveryDigestAcrossGrowth() {
    DigestSet set = new DigestSet();
    for (int i = 0; i < 5000; i++) {
      assertThat(set.add(Sha256.hex(Fixtures.bytes("s" + i)))).isTrue();
    }

    assertThat(set.size()).isEqualTo(5000);
    assertThat(set.add(Sha256.hex(Fixtures.bytes("s1234")))).isFalse();
    assertThat(set.contains(Sha256.hex(Fixtures.bytes("s4999")))).isTrue();
    assertThat(set.contains(Sha256.hex(Fixtures.bytes("s5000")))).isFalse();
    assertThat(set.size()).isEqualTo(5000);
  }

  @Test
  void shouldRefuseSomethingThatIsNotADigest() {
    assertThatThrownBy(() -> new DigestSet().add("not-hex")).isInstanceOf(IllegalArgumentException.class);
  }
}
