package io.adaptstream.model;

import java.net.URI;

/**
 * Where a saved model lives: the blob's sha256 (verified on load), its URI, and the {@link ModelConfig} JSON
 * needed to rebuild the architecture before loading the weights.
 */
public record CheckpointRef(String sha256, URI uri, String configJson) {}
