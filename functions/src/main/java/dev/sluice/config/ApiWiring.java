package dev.sluice.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.identity.SignedInUser;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.upload.CreateUpload;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What ApiFunction is built from: its use cases and the few settings its answers depend on. Built from
 * {@link Components} (one per Lambda instance, or the local runtime's shared one).
 *
 * @param chunkVisibilityTimeout ChunkQueue's visibility timeout, shown as when a stalled run's chunks come back
 * @param warmUp                 run before a SnapStart snapshot
 */
public record ApiWiring(CreateUpload createUpload, RunQueries runQueries, HttpCallers callers, ObjectMapper json,
        Clock clock, Duration chunkVisibilityTimeout, Runnable warmUp) {

    public static ApiWiring fromEnvironment() {
        return from(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public static ApiWiring from(Components components) {
        Settings settings = components.settings();
        HttpCallers callers = settings.localRuntime()
                ? localAdminWithoutToken(HttpCallers.verifiedTokenOnly()) : HttpCallers.verifiedTokenOnly();
        return new ApiWiring(components.createUpload(), new RunQueries(components.runs(), components.records()),
                callers, components.json(), Clock.systemUTC(), settings.chunkVisibilityTimeout(),
                components::warmUp);
    }

    /** The caller of a local request that carries no token: the laptop's owner, who sees every run. */
    static final SignedInUser LOCAL_ADMIN = new SignedInUser("local", null, List.of(SignedInUser.ADMIN_GROUP));

    /**
     * Removed when the local gateway verifies tokens: until then a local request carries no claims, and the local
     * runtime keeps its old behaviour of one administrator. A request with claims is judged by them, as on AWS.
     */
    static HttpCallers localAdminWithoutToken(HttpCallers verified) {
        return claims -> claims.isEmpty() ? LOCAL_ADMIN : verified.resolve(claims);
    }
}
