package dev.sluice.local;

import dev.sluice.config.Components;
import dev.sluice.local.auth.UserSpec;
import dev.sluice.local.fault.FaultSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/** How to start {@link LocalSluice}. Build with {@link #builder()}; every setting has a local default. */
public final class LocalOptions {
    /** Pollers per SQS event source when the template sets no MaximumConcurrency (this machine has 2 cores). */
    public static final int DEFAULT_EVENT_SOURCE_CONCURRENCY = 2;

    private final int port;
    private final Path dataDir;
    private final Path secretKeyFile;
    private final Optional<String> jdbcUrl;
    private final Optional<String> dbUser;
    private final Optional<String> dbPassword;
    private final Map<String, String> parameters;
    private final OptionalInt visibilityTimeoutOverride;
    private final OptionalInt maxConcurrency;
    private final Optional<Path> template;
    private final Optional<Path> webDir;
    private final boolean eventSourcesEnabled;
    private final Map<String, Function<Components, Object>> handlerFactories;
    private final List<UserSpec> users;
    private final List<FaultSpec> faults;
    private final boolean faultInjection;

    private LocalOptions(Builder builder) {
        this.port = builder.port;
        this.dataDir = builder.dataDir;
        this.secretKeyFile = builder.secretKeyFile;
        this.jdbcUrl = builder.jdbcUrl;
        this.dbUser = builder.dbUser;
        this.dbPassword = builder.dbPassword;
        this.parameters = Map.copyOf(builder.parameters);
        this.visibilityTimeoutOverride = builder.visibilityTimeoutOverride;
        this.maxConcurrency = builder.maxConcurrency;
        this.template = builder.template;
        this.webDir = builder.webDir;
        this.eventSourcesEnabled = builder.eventSourcesEnabled;
        this.handlerFactories = Map.copyOf(builder.handlerFactories);
        this.users = List.copyOf(builder.users);
        this.faults = List.copyOf(builder.faults);
        this.faultInjection = builder.faultInjection || !builder.faults.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static LocalOptions defaults() {
        return builder().build();
    }

    /** Gateway port; 0 picks a free one. Default 8080. */
    public int port() {
        return port;
    }

    /** The key of the local secret store (source headers), kept outside the data directory. */
    public Path secretKeyFile() {
        return secretKeyFile;
    }

    /** {@code ~/.config/sluice/secret.key}. */
    public static Path defaultSecretKeyFile() {
        return Path.of(System.getProperty("user.home"), ".config", "sluice", "secret.key");
    }

    /** Where all state lives (S3 objects, DynamoDB, PostgreSQL, queued messages). Default {@code ./.sluice}. */
    public Path dataDir() {
        return dataDir;
    }

    /** An external PostgreSQL instead of the embedded one. */
    public Optional<String> jdbcUrl() {
        return jdbcUrl;
    }

    public Optional<String> dbUser() {
        return dbUser;
    }

    public Optional<String> dbPassword() {
        return dbPassword;
    }

    /** Template parameter values that replace the defaults, e.g. {@code ChunkBytes=1048576}. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** Replaces every queue's VisibilityTimeout (seconds), so redrive tests run in seconds, not minutes. */
    public OptionalInt visibilityTimeoutOverride() {
        return visibilityTimeoutOverride;
    }

    /** Upper bound on pollers per SQS event source, applied over the template's MaximumConcurrency. */
    public OptionalInt maxConcurrency() {
        return maxConcurrency;
    }

    /** template.yaml to read; default: found from the working directory upwards, else the copy in the jar. */
    public Optional<Path> template() {
        return template;
    }

    /**
     * Directory of the web app; default: {@code web/} found from the working directory upwards, else the jar's copy.
     */
    public Optional<Path> webDir() {
        return webDir;
    }

    /** When false, queues fill but no function is invoked from them (start them later with resume). */
    public boolean eventSourcesEnabled() {
        return eventSourcesEnabled;
    }

    /** Handler instances to use instead of the template's Handler class, by function logical id (tests). */
    public Map<String, Function<Components, Object>> handlerFactories() {
        return handlerFactories;
    }

    /** The sign-in's users; empty means {@link UserSpec#DEFAULTS}. */
    public List<UserSpec> users() {
        return users;
    }

    /** Faults injected from the start ({@code serve --fault}); see {@link dev.sluice.local.fault.Faults}. */
    public List<FaultSpec> faults() {
        return faults;
    }

    /**
     * Whether the fault hooks are installed (any fault given, or asked for): then faults can also be switched on and
     * off while the runtime runs, and the functions' JDBC URL goes through the fault driver.
     */
    public boolean faultInjection() {
        return faultInjection;
    }

    public static final class Builder {
        private final List<UserSpec> users = new ArrayList<>();
        private final List<FaultSpec> faults = new ArrayList<>();
        private boolean faultInjection;
        private int port = 8080;
        private Path dataDir = Path.of(".sluice");
        private Path secretKeyFile = defaultSecretKeyFile();
        private Optional<String> jdbcUrl = Optional.empty();
        private Optional<String> dbUser = Optional.empty();
        private Optional<String> dbPassword = Optional.empty();
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private OptionalInt visibilityTimeoutOverride = OptionalInt.empty();
        private OptionalInt maxConcurrency = OptionalInt.empty();
        private Optional<Path> template = Optional.empty();
        private Optional<Path> webDir = Optional.empty();
        private boolean eventSourcesEnabled = true;
        private final Map<String, Function<Components, Object>> handlerFactories = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Where the local secret store's key is (default {@code ~/.config/sluice/secret.key}). */
        public Builder secretKeyFile(Path secretKeyFile) {
            this.secretKeyFile = secretKeyFile;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** Use this PostgreSQL instead of starting the embedded one. */
        public Builder database(String jdbcUrl, String user, String password) {
            this.jdbcUrl = Optional.of(jdbcUrl);
            this.dbUser = Optional.ofNullable(user);
            this.dbPassword = Optional.ofNullable(password);
            return this;
        }

        public Builder parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        public Builder parameters(Map<String, String> values) {
            parameters.putAll(values);
            return this;
        }

        public Builder visibilityTimeoutOverride(int seconds) {
            if (seconds < 0 || seconds > 43_200) {
                throw new IllegalArgumentException("visibility timeout must be 0..43200 s (SQS limit), was " + seconds);
            }
            this.visibilityTimeoutOverride = OptionalInt.of(seconds);
            return this;
        }

        public Builder maxConcurrency(int pollers) {
            if (pollers < 1) {
                throw new IllegalArgumentException("max concurrency must be at least 1, was " + pollers);
            }
            this.maxConcurrency = OptionalInt.of(pollers);
            return this;
        }

        public Builder template(Path template) {
            this.template = Optional.of(template);
            return this;
        }

        public Builder webDir(Path webDir) {
            this.webDir = Optional.of(webDir);
            return this;
        }

        public Builder eventSourcesEnabled(boolean enabled) {
            this.eventSourcesEnabled = enabled;
            return this;
        }

        /** Replace a function's handler, e.g. with a recording test double. */
        public Builder handler(String functionLogicalId, Function<Components, Object> factory) {
            handlerFactories.put(functionLogicalId, factory);
            return this;
        }

        /** A sign-in user ({@code serve --user email:password[:admin]}); any replaces the default users. */
        public Builder user(UserSpec user) {
            users.add(user);
            return this;
        }

        /** A fault injected from the start; implies {@link #faultInjection(boolean)}. */
        public Builder fault(FaultSpec fault) {
            faults.add(fault);
            return this;
        }

        /** Installs the fault hooks without enabling any fault yet (tests switch them on later). */
        public Builder faultInjection(boolean installed) {
            this.faultInjection = installed;
            return this;
        }

        public LocalOptions build() {
            return new LocalOptions(this);
        }
    }
}
