package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.util.List;

/** Placeholder until implemented. */
public final class SplitFunction implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final Components components;

    public SplitFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public SplitFunction(Components components) {
        this.components = components;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        components.settings();
        return new SQSBatchResponse(List.of());
    }
}
