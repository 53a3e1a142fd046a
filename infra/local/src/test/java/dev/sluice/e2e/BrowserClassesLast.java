package dev.sluice.e2e;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The test run's class order (set in {@code junit-platform.properties}): as given, except that the classes on the
 * shared {@link BrowserStack} come last, one after the other. The stack then starts once, for them, and the root
 * store closes it as the run ends, instead of it idling beside every class that would have run after the first
 * browser class.
 */
public final class BrowserClassesLast implements ClassOrderer {
    @Override
    public void orderClasses(ClassOrdererContext context) {
        // A stable sort: every other class keeps its place relative to the others.
        context.getClassDescriptors().sort(Comparator.comparing(BrowserClassesLast::onBrowserStack));
    }

    private static boolean onBrowserStack(ClassDescriptor descriptor) {
        return descriptor.findRepeatableAnnotations(ExtendWith.class).stream()
                .anyMatch(extendWith -> Arrays.asList(extendWith.value()).contains(BrowserStack.class));
    }
}
