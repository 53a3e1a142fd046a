package dev.sluice.local.fault;

/**
 * Stands for the loader's process ending at this instant (fault {@code die-after-commit}). An {@link Error}, so no
 * handler code catches it on the way out: nothing after the throw point runs (no counting, no failure note, no
 * delete), as when Lambda's sandbox dies.
 */
public final class LocalProcessDeath extends Error {
    private static final long serialVersionUID = 1L;

    LocalProcessDeath(String where) {
        super("local fault die-after-commit: the loader died " + where);
    }
}
