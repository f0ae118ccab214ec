package io.adaptstream.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Where a model's arrays live; the value of the {@code --device cpu|gpu} flag.
 *
 * <p>The bundled PyTorch engine is the CPU build of libtorch, so {@link #GPU} fails with an explanation unless
 * a CUDA-enabled libtorch is supplied through DJL's {@code PYTORCH_LIBRARY_PATH}.
 */
public enum ComputeDevice {
  CPU,
  GPU;

  /** The DJL device, starting the engine if needed; throws {@link IllegalStateException} when there is no GPU. */
  public Device toDjl() {
    DjlRuntime.ensureStarted();
    if (this == CPU) {
      return Device.cpu();
    }
    Engine engine = Engine.getInstance();
    if (engine.getGpuCount() <= 0) {
      throw new IllegalStateException("--device gpu was requested but the " + engine.getEngineName() + " "
          + engine.getVersion() + " engine sees no GPU: the bundled libtorch is the CPU build; use --device cpu, "
          + "or point PYTORCH_LIBRARY_PATH (with PYTORCH_VERSION and PYTORCH_FLAVOR) at a CUDA libtorch that DJL "
          + Engine.getDjlVersion() + " has a JNI bridge for");
    }
    return Device.gpu();
  }

  /** Parses {@code cpu} or {@code gpu}, any case. */
  public static ComputeDevice parse(String value) {
    if (value == null) {
      throw new IllegalArgumentException("device is missing (cpu or gpu)");
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "cpu" -> CPU;
      case "gpu", "cuda" -> GPU;
      default -> throw new IllegalArgumentException("unknown device '" + value + "' (cpu or gpu)");
    };
  }
}
