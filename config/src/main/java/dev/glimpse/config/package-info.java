/**
 * The agent's configuration: YAML → immutable, validated records, one per module ({@link
 * dev.glimpse.config.AgentConfig} and its sections), loaded by {@link dev.glimpse.config.ConfigLoader}, which
 * reports every problem of a file at once in one {@link dev.glimpse.config.ConfigException}. Records check their
 * own values in their compact constructors, so code that builds them directly gets the same checks. Every key,
 * default and trade-off is listed in {@code config/README.md}.
 */
package dev.glimpse.config;
