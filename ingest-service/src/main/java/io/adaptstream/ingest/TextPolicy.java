package io.adaptstream.ingest;

/**
 * Which characters a dataset's text may hold. A sample's text is stored as Avro strings (UTF-8), hashed into its
 * id and fed to a tokenizer; text that is not Unicode, or that carries invisible machine bytes, would be stored
 * as something other than what was published, or would make two samples that look the same differ. Such an
 * entry is rejected with {@link Reason#INVALID_TEXT} instead of being repaired, so what is stored is exactly
 * what was published.
 *
 * <ul>
 *   <li><b>Unpaired surrogates</b> (a {@code \\ud800} escape without its partner, or a surrogate encoded directly
 *       as UTF-8 bytes): rejected in every string of the entry, field names and unread fields included, because
 *       the entry is then no Unicode text at all.
 *   <li><b>Control characters</b> (C0 U+0000..U+001F, DEL U+007F, C1 U+0080..U+009F): conversation text may
 *       hold tab, line feed and carriage return and nothing else of them; identifier fields ({@code id}, image
 *       paths, {@code split}, {@code skill}, a turn's {@code from}) may hold none. (A raw control byte inside a
 *       JSON string is already a JSON syntax error; these are the {@code \\u0000}-style escapes.) C1 controls in
 *       decoded text are almost always Latin-1/cp1252 text decoded twice.
 *   <li><b>Noncharacters</b> (U+FDD0..U+FDEF and the last two code points of every plane, U+FFFE/U+FFFF up to
 *       U+10FFFE/U+10FFFF): rejected in every field the pipeline reads; they are reserved for a program's
 *       internal use, and a U+FFFE usually means UTF-16 read with the wrong byte order.
 *   <li><b>Byte-order mark</b> U+FEFF: a leading BOM of the <i>file</i> is skipped by the splitters. Inside a value it
 *       is kept as ordinary text (it is an assigned character, ZERO WIDTH NO-BREAK SPACE); stripping it would
 *       silently change the content and so the sample id. A BOM inside an identifier makes it a different
 *       identifier (an image path with one is a {@code missing_image}, a split with one a {@code bad_field}).
 *   <li>Everything else that is valid Unicode is ordinary text: combining marks, right-to-left text and bidi
 *       marks, zero-width characters, 4-byte characters such as emoji (a correctly paired surrogate escape).
 * </ul>
 */
final class TextPolicy {

  /** Where a string comes from, which decides whether tab and line breaks are allowed. */
  enum Kind {
    /** A turn's text: tab, LF and CR allowed. */
    CONVERSATION,
    /** An id, path, split, skill or role: no control character at all. */
    IDENTIFIER
  }

  private TextPolicy() {}

  /**
   * @throws EntryParser.Invalid with {@link Reason#INVALID_TEXT} naming {@code field} and the offending
   *     character's position (in UTF-16 units) when {@code s} breaks the policy
   */
  static void check(String s, Kind kind, String field) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      String problem = null;
      if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
        problem = "a lone surrogate";
      } else if (isControl(cp) && !(kind == Kind.CONVERSATION && (cp == '\t' || cp == '\n' || cp == '\r'))) {
        problem = "the control character";
      } else if (isNoncharacter(cp)) {
        problem = "the noncharacter";
      }
      if (problem != null) {
        throw new EntryParser.Invalid(Reason.INVALID_TEXT, EntryParser.clip(field) + " holds " + problem + " "
            + String.format("U+%04X", cp) + " at character " + i);
      }
      i += Character.charCount(cp);
    }
  }

  /** Only unpaired surrogates: for strings the pipeline does not read (field names, unknown fields). */
  static void checkSurrogates(String s, String field) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new EntryParser.Invalid(Reason.INVALID_TEXT, EntryParser.clip(field) + " holds a lone surrogate "
            + String.format("U+%04X", (int) c) + " at character " + i);
      }
    }
  }

  static boolean isControl(int cp) {
    return cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F);
  }

  static boolean isNoncharacter(int cp) {
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
  }
}
