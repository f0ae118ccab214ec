/**
 * {@link io.adaptstream.runtime.config.ServiceConfig}: the settings every service shares and the base of each
 * service's one typed config class.
 *
 * <p>Its own package because only config classes read settings: nothing else in the system reads the environment or
 * system properties (checked by the architecture tests in adapt-cli).
 */
package io.adaptstream.runtime.config;
