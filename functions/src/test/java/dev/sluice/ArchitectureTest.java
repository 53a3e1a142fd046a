package dev.sluice;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.sluice.adapter.out.postgres.Migrations;
import dev.sluice.adapter.out.postgres.PasswordSource;
import dev.sluice.adapter.out.secrets.SecretsManagerPassword;

/**
 * The boundaries of DESIGN.md ("Boundaries in the code"), checked on the compiled main classes so that fully
 * qualified names, lambdas and constants count as much as imports. Tests are left out: they may reach across.
 */
@AnalyzeClasses(packages = "dev.sluice", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String DOMAIN = "dev.sluice.domain..";
    private static final String APPLICATION = "dev.sluice.application..";
    private static final String ADAPTER_IN = "dev.sluice.adapter.in..";
    private static final String ADAPTER_OUT = "dev.sluice.adapter.out..";
    /** Wire formats both ends of one integration read and write; documented in its package-info. */
    private static final String ADAPTER_WIRE = "dev.sluice.adapter.wire..";
    private static final String CONFIG = "dev.sluice.config..";

    /**
     * commons-csv is the one library the domain uses: a plain-Java parser (no I/O, no framework) the profiler reads
     * the header and sample rows with; the dialect the scanners mirror is stated as its CSVFormat.
     */
    @ArchTest
    static final ArchRule domainUsesOnlyTheJdkAndItself = classes().that().resideInAPackage(DOMAIN)
            .should().onlyDependOnClassesThat().resideInAnyPackage(DOMAIN, "java..", "org.apache.commons.csv..");

    /** Jackson and SLF4J are allowed: the WebSocket protocol is JSON and use cases log their decisions. */
    @ArchTest
    static final ArchRule applicationUsesOnlyDomainAndItsPorts = classes().that().resideInAPackage(APPLICATION)
            .should().onlyDependOnClassesThat().resideInAnyPackage(APPLICATION, DOMAIN, "java..",
                    "com.fasterxml.jackson..", "org.slf4j..");

    @ArchTest
    static final ArchRule applicationUsesNoAwsOrJdbc = noClasses().that().resideInAnyPackage(APPLICATION, DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "com.amazonaws..", "java.sql..",
                    "javax.sql..");

    /**
     * Handlers reach out-adapters only through config's wiring. The migration custom resource is the one
     * exception: applying the schema is its whole job, and it calls the same entry point the CLI does.
     */
    @ArchTest
    static final ArchRule handlersDoNotUseOutAdapters = noClasses().that().resideInAPackage(ADAPTER_IN)
            .should().dependOnClassesThat(resideInAPackage(ADAPTER_OUT).and(not(equivalentTo(Migrations.class))));

    /**
     * Each out-adapter stands alone. The Secrets Manager adapter exists only to supply the PostgreSQL adapter's
     * password, so it implements that adapter's {@link PasswordSource}.
     */
    @ArchTest
    static final ArchRule outAdaptersDoNotUseEachOther = slices().matching("dev.sluice.adapter.out.(*)..")
            .should().notDependOnEachOther()
            .ignoreDependency(SecretsManagerPassword.class, PasswordSource.class);

    @ArchTest
    static final ArchRule wireFormatsStandAlone = noClasses().that().resideInAPackage(ADAPTER_WIRE)
            .should().dependOnClassesThat().resideInAnyPackage(ADAPTER_IN, ADAPTER_OUT, CONFIG, APPLICATION);

    /** Only config builds out-adapters (and tests, which are not analysed here). */
    @ArchTest
    static final ArchRule onlyConfigWiresOutAdapters = classes().that().resideInAPackage(ADAPTER_OUT)
            .should().onlyHaveDependentClassesThat().resideInAnyPackage(ADAPTER_OUT, CONFIG)
            .orShould().be(Migrations.class);

    /** Only handlers take the wiring; nothing they call may reach back for it. */
    @ArchTest
    static final ArchRule onlyHandlersUseConfig = classes().that().resideInAPackage(CONFIG)
            .should().onlyHaveDependentClassesThat().resideInAnyPackage(CONFIG, ADAPTER_IN);

    /** One slice per package, so a cycle between two sibling packages (domain.csv ↔ domain.validation) counts. */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.sluice.(**)").should().beFreeOfCycles();
}
