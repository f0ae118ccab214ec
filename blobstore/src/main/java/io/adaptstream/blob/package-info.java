/**
 * A content-addressed (sha256) store for images and checkpoints.
 *
 * <p>Kafka records carry only a blob's URI and hash, never its bytes, so records stay small whatever the image or
 * model size, and corruption is caught where a blob is read.
 */
package io.adaptstream.blob;
