package io.adaptstream.cli.run;

/**
 * Text that comes from a dataset (skill labels), written into a Markdown report so that it shows as written.
 *
 * <p>Markdown passes inline HTML through, and viewers render {@code report.md} as HTML: a skill named
 * {@code <script>alert(1)</script>} would become a script element, a {@code |} would split a table cell and a
 * {@code [x](javascript:...)} would become a link. So {@code & < > "} become HTML entities (text in every
 * renderer, never markup), the other Markdown punctuation is backslash-escaped, and line breaks become spaces
 * (a table row is one line). Hand-written: the Markdown libraries on Maven Central parse Markdown; the one
 * that writes it (commonmark-java's renderer) would add a dependency for these few characters.
 */
public final class MarkdownText {

  private static final String BACKSLASHED = "\\`*_[](){}#+!~|";

  private MarkdownText() {}

  /** {@code text} as literal Markdown inline text (fit for a table cell). */
  public static String escape(String text) {
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\n', '\r', '\t' -> sb.append(' ');
        default -> {
          if (BACKSLASHED.indexOf(c) >= 0) {
            sb.append('\\');
          }
          sb.append(c);
        }
      }
    }
    return sb.toString();
  }
}
