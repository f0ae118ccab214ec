package io.adaptstream.cli.dashboard;

/**
 * The content type of an image from its first bytes (PNG, JPEG, GIF, WebP, BMP), never from a name or a record's
 * claim: the blob store keeps bytes under their sha256 and the dashboard serves them back only as what they are.
 */
final class ImageTypes {

  /** What bytes that are none of the known image formats are served as (with {@code nosniff}: never rendered). */
  static final String UNKNOWN = "application/octet-stream";

  private ImageTypes() {}

  static String sniff(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(b, 'G', 'I', 'F', '8')) {
      return "image/gif";
    }
    if (b.length >= 12 && startsWith(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B'
        && b[11] == 'P') {
      return "image/webp";
    }
    if (startsWith(b, 'B', 'M')) {
      return "image/bmp";
    }
    return UNKNOWN;
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
