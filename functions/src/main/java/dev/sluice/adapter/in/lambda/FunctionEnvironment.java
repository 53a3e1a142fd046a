package dev.sluice.adapter.in.lambda;

import java.util.Optional;

/**
 * A Lambda context that also carries its function's environment. On AWS each function has a process of its own
 * and reads {@link System#getenv}; the local runtime runs every function in one JVM, so its contexts implement
 * this to give each invocation the variables the template sets for that function.
 */
public interface FunctionEnvironment {
    Optional<String> variable(String name);
}
