package io.adaptstream.cli.local;

/** A child JVM's main for {@link JavaCommandTest}: prints which of the named classes it can load. */
public final class ClassPathProbe {

  private ClassPathProbe() {}

  public static void main(String[] args) {
    for (String name : args) {
      try {
        Class.forName(name, false, ClassPathProbe.class.getClassLoader());
        System.out.println("found " + name);
      } catch (ClassNotFoundException e) {
        System.out.println("missing " + name);
      }
    }
  }
}
