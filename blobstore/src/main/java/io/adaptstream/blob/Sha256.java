package io.adaptstream.blob;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests as the lowercase hex strings that key the blob store. */
public final class Sha256 {

  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

  private Sha256() {}

  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(newDigest().digest(data));
  }

  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }

  public static boolean isHex(String key) {
    return key != null && HEX.matcher(key).matches();
  }

  /** Refuses anything that is not a 64-character lowercase hex digest (so no key can name a path). */
  public static String requireHex(String key) {
    if (!isHex(key)) {
      throw new IllegalArgumentException("not a sha256 key (64 lowercase hex characters): "
          + (key == null ? "null" : key.length() > 80 ? key.substring(0, 80) + "..." : key));
    }
    return key;
  }
}
