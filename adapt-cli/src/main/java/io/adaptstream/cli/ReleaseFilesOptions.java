package io.adaptstream.cli;

import io.adaptstream.cli.run.experiment.ExperimentJob;
import io.adaptstream.cli.run.experiment.ExperimentSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --releases}, {@code --images} and {@code --pretrain} of {@code adapt experiment}: the user's own release
 * files instead of the generated benchmark. One mixin because they only make sense together: checked together
 * ({@link #check()}), turned together into the experiment's data ({@link #source}) and the line that records them
 * ({@link #describe()}).
 */
public final class ReleaseFilesOptions {

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(names = "--releases", paramLabel = "FILE", split = ",",
      description = "Your own task releases (LLaVA JSON, test samples marked \"split\": \"test\"), in step order, "
          + "instead of the skill-world benchmark.")
  List<Path> releases;

  @Option(names = "--images", paramLabel = "DIR",
      description = "The directory the releases' image paths are relative to (default: each file's directory).")
  Path images;

  @Option(names = "--pretrain", paramLabel = "FILE",
      description = "With --releases: the pretraining release the base model v0 is trained on. Without it, v0 is "
          + "an untrained model (trainer.base=random), the same for every method of a seed.")
  Path pretrain;

  /** Whether the user gave release files (else the experiment runs on the generated benchmark). */
  boolean given() {
    return releases != null && !releases.isEmpty();
  }

  /** Whether a pretraining release was given. */
  boolean hasPretrain() {
    return pretrain != null;
  }

  /** Usage errors for files that do not exist, an --images that is no directory, and --images or --pretrain alone. */
  void check() {
    if (!given() && (images != null || pretrain != null)) {
      throw new ParameterException(mixee.commandLine(), "--images and --pretrain go with --releases");
    }
    if (given()) {
      for (Path f : releases) {
        requireFile(f);
      }
      if (pretrain != null) {
        requireFile(pretrain);
      }
      if (images != null && !Files.isDirectory(images)) {
        throw new ParameterException(mixee.commandLine(), "--images " + images + " is not a directory");
      }
    }
  }

  /** The experiment's data: these files, the same for every seed. */
  ExperimentJob.Source source(ExperimentSources.Trim trim) {
    return ExperimentSources.releases(releases, Optional.ofNullable(pretrain), Optional.ofNullable(images), trim);
  }

  /** The files as recorded in {@code experiment.json}. */
  String describe() {
    return "releases " + releases.stream().map(p -> p.toAbsolutePath().toString()).toList()
        + (pretrain == null ? ", no pretraining release (v0 untrained)" : ", pretraining " + pretrain.toAbsolutePath())
        + (images == null ? "" : ", images " + images.toAbsolutePath());
  }

  private void requireFile(Path f) {
    if (!Files.isRegularFile(f)) {
      throw new ParameterException(mixee.commandLine(), "no such file: " + f);
    }
  }
}
