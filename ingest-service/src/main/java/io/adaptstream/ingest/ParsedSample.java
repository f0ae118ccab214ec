package io.adaptstream.ingest;

import io.adaptstream.avro.Split;
import io.adaptstream.avro.Turn;
import java.util.List;

/**
 * A dataset entry whose fields are valid, before its images are checked.
 *
 * @param index the entry's index in the file
 * @param sourceId the entry's own id, or {@code #<index>}
 * @param split train or test
 * @param skill the optional skill label
 * @param turns the conversation
 * @param imagePaths image paths as written, relative to the image root
 */
record ParsedSample(long index, String sourceId, Split split, String skill, List<Turn> turns,
    List<String> imagePaths) {}
