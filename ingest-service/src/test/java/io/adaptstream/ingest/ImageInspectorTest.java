package io.adaptstream.ingest;

import static io.adaptstream.ingest.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.adaptstream.blob.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageInspectorTest {

  @TempDir Path dir;
  private Path root;
  private ImageInspector inspector;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    inspector = new ImageInspector(root, ValidationLimits.defaults());
  }

  private Reason reasonOf(ImageInspector inspector, String path) {
    EntryParser.Invalid e = catchThrowableOfType(EntryParser.Invalid.class, () -> inspector.inspect(path));
    assertThat(e).as("expected %s to be rejected", path).isNotNull();
    return e.rejection.reason();
  }

  private Reason reasonOf(String path) {
    return reasonOf(inspector, path);
  }

  @Test
  void shouldAcceptPngAndJpegWithTheirSizeTypeAndHash() {
    byte[] png = Fixtures.png(40, 30, 1);
    write(root.resolve("img/a.png"), png);
    write(root.resolve("b.jpg"), Fixtures.jpeg(16, 24, 2));

    InspectedImage a = inspector.inspect("img/a.png");
    InspectedImage b = inspector.inspect("b.jpg");

    assertThat(a.mediaType()).isEqualTo("image/png");
    assertThat(a.width()).isEqualTo(40);
    assertThat(a.height()).isEqualTo(30);
    assertThat(a.sha256()).isEqualTo(Sha256.hex(png));
    assertThat(b.mediaType()).isEqualTo("image/jpeg");
    assertThat(b.width()).isEqualTo(16);
    assertThat(b.height()).isEqualTo(24);
  }

  @Test
  void shouldRefuseParentDirectorySegments() {
    write(dir.resolve("x.png"), Fixtures.png(8, 8, 1));

    assertThat(reasonOf("../x.png")).isEqualTo(Reason.PATH_ESCAPE);
    assertThat(reasonOf("img/../../x.png")).isEqualTo(Reason.PATH_ESCAPE);
    assertThat(reasonOf("img\\..\\..\\x.png")).isEqualTo(Reason.PATH_ESCAPE);
  }

  @Test
  void shouldRefuseAbsolutePaths() {
    Path outside = write(dir.resolve("abs.png"), Fixtures.png(8, 8, 1));

    assertThat(reasonOf(outside.toString())).isEqualTo(Reason.PATH_ESCAPE);
    assertThat(reasonOf("C:\\images\\a.png")).isEqualTo(Reason.PATH_ESCAPE);
  }

  @Test
  void shouldRefuseASymlinkWhoseTargetLeavesTheRoot() throws IOException {
    Path secret = write(dir.resolve("outside/secret.png"), Fixtures.png(8, 8, 1));
    Files.createSymbolicLink(root.resolve("link.png"), secret);
    Files.createSymbolicLink(root.resolve("linkdir"), secret.getParent());

    assertThat(reasonOf("link.png")).isEqualTo(Reason.PATH_ESCAPE);
    assertThat(reasonOf("linkdir/secret.png")).isEqualTo(Reason.PATH_ESCAPE);
  }

  @Test
  void shouldFollowASymlinkThatStaysInsideTheRoot() throws IOException {
    Path real = write(root.resolve("real/a.png"), Fixtures.png(8, 8, 1));
    Files.createSymbolicLink(root.resolve("alias.png"), real);

    assertThat(inspector.inspect("alias.png").file()).isEqualTo(real.toRealPath());
  }

  @Test
  void shouldReportMissingImagesAndDirectories() throws IOException {
    Files.createDirectories(root.resolve("adir"));

    assertThat(reasonOf("nope.png")).isEqualTo(Reason.MISSING_IMAGE);
    assertThat(reasonOf("adir")).isEqualTo(Reason.MISSING_IMAGE);
    assertThat(reasonOf(new ImageInspector(dir.resolve("absent-root"), ValidationLimits.defaults()), "a.png"))
        .isEqualTo(Reason.MISSING_IMAGE);
  }

  @Test
  void shouldReportCorruptImages() {
    write(root.resolve("half.png"), Fixtures.truncated(Fixtures.png(64, 64, 3)));
    write(root.resolve("half.jpg"), Fixtures.truncated(Fixtures.jpeg(64, 64, 3)));
    byte[] garbage = new byte[200];
    System.arraycopy(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, garbage, 0, 8);
    write(root.resolve("garbage.png"), garbage);
    write(root.resolve("empty.png"), new byte[0]);

    assertThat(reasonOf("half.png")).isEqualTo(Reason.CORRUPT_IMAGE);
    assertThat(reasonOf("half.jpg")).isEqualTo(Reason.CORRUPT_IMAGE);
    assertThat(reasonOf("garbage.png")).isEqualTo(Reason.CORRUPT_IMAGE);
    assertThat(reasonOf("empty.png")).isEqualTo(Reason.CORRUPT_IMAGE);
  }

  @Test
  void shouldRefuseFormatsOtherThanPngAndJpegWhateverTheExtension() {
    write(root.resolve("really-a-gif.png"), Fixtures.gif(8, 8, 1));
    write(root.resolve("text.png"), Fixtures.bytes("this is not an image at all"));

    assertThat(reasonOf("really-a-gif.png")).isEqualTo(Reason.UNSUPPORTED_IMAGE_FORMAT);
    assertThat(reasonOf("text.png")).isEqualTo(Reason.UNSUPPORTED_IMAGE_FORMAT);
  }

  @Test
  void shouldRefuseImagesOverTheByteSideOrPixelLimits() {
    write(root.resolve("a.png"), Fixtures.png(100, 20, 1));

    ImageInspector fewBytes = new ImageInspector(root, new ValidationLimits(50, 1 << 20, 1000, 100, 4, 4, 256, 32));
    ImageInspector shortSides = new ImageInspector(root, new ValidationLimits(1 << 20, 1 << 20, 99, 100, 4, 4, 256, 32));
    ImageInspector fewPixels = new ImageInspector(root, new ValidationLimits(1 << 20, 1999, 1000, 100, 4, 4, 256, 32));

    assertThat(reasonOf(fewBytes, "a.png")).isEqualTo(Reason.IMAGE_TOO_LARGE);
    assertThat(reasonOf(shortSides, "a.png")).isEqualTo(Reason.IMAGE_TOO_LARGE);
    assertThat(reasonOf(fewPixels, "a.png")).isEqualTo(Reason.IMAGE_TOO_LARGE);
  }

  @Test
  void shouldVerifyLargeImagesWithSubsampledDecoding() {
    write(root.resolve("big.png"), Fixtures.png(2100, 1100, 5));

    InspectedImage big = inspector.inspect("big.png");

    assertThat(big.width()).isEqualTo(2100);
    assertThat(big.height()).isEqualTo(1100);
  }
}
