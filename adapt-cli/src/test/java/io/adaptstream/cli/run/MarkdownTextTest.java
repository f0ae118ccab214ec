package io.adaptstream.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownTextTest {

  @Test
  void shouldTurnAScriptTagIntoEntitiesWhenTextGoesIntoMarkdown() {
    assertThat(MarkdownText.escape("<script>alert(1)</script>"))
        .isEqualTo("&lt;script&gt;alert\\(1\\)&lt;/script&gt;")
        .doesNotContain("<");
  }

  @Test
  void shouldKeepLinksTableCellsAndEmphasisFromFormingWhenTextHasMarkdownPunctuation() {
    assertThat(MarkdownText.escape("[x](javascript:alert(1))")).isEqualTo("\\[x\\]\\(javascript:alert\\(1\\)\\)");
    assertThat(MarkdownText.escape("a|b")).isEqualTo("a\\|b");
    assertThat(MarkdownText.escape("*bold* _it_ `code` \\")).isEqualTo("\\*bold\\* \\_it\\_ \\`code\\` \\\\");
    assertThat(MarkdownText.escape("line\nbreak")).isEqualTo("line break");
    assertThat(MarkdownText.escape("a & \"b\"")).isEqualTo("a &amp; &quot;b&quot;");
  }

  @Test
  void shouldLeaveOrdinarySkillLabelsAsTheyAreWhenNothingNeedsEscaping() {
    assertThat(MarkdownText.escape("vqa.colour")).isEqualTo("vqa.colour");
    assertThat(MarkdownText.escape("multilingual.colour-zh 色")).isEqualTo("multilingual.colour-zh 色");
  }
}
