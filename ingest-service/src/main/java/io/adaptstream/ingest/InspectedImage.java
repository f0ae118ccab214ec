package io.adaptstream.ingest;

import java.nio.file.Path;

/**
 * An image that passed every check: where it is and what it is.
 *
 * @param file its real path (symlinks resolved), inside the image root
 * @param sha256 hex digest of its bytes
 * @param width pixels
 * @param height pixels
 * @param mediaType {@code image/png} or {@code image/jpeg}
 */
record InspectedImage(Path file, String sha256, int width, int height, String mediaType) {}
