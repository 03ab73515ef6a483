package shelf;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import shelf.cli.ShelfCommand;

/**
 * The package rules, checked on the production classes (target/classes: the {@code shelf..} packages
 * and the seed's entry points {@code CreateBooks}, {@code RmiClient}, {@code RmiNode} in the default
 * package); tests may reach anywhere. Run by {@code mvn test}; one test per rule.
 */
@AnalyzeClasses(locations = ArchitectureTest.ProductionClasses.class, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String[] ALGORITHMS = {
        "shelf.election..", "shelf.lock..", "shelf.protocol..", "shelf.library..", "shelf.fencing..", "shelf.config..",
    };

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("shelf.(*)..").should().beFreeOfCycles()
            .because("a package that imports back up cannot be read, tested or replaced on its own");

    /*
     * Top to bottom; each layer may be used only by the layers above it. election and lock are peers
     * (neither uses the other), as are fencing, config and about at the bottom.
     */
    @ArchTest
    static final ArchRule layersGoOneWay = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .ensureAllClassesAreContainedInArchitecture()
            .layer("entry points").definedBy(describe("the default package", (JavaClass c) -> c.getPackageName().isEmpty()))
            .layer("cli").definedBy("shelf.cli..")
            .layer("bench").definedBy("shelf.bench..")
            .layer("cluster").definedBy("shelf.cluster..")
            .layer("admin").definedBy("shelf.admin..")
            .layer("server").definedBy("shelf.server..")
            .layer("rmi").definedBy("shelf.rmi..")
            .layer("node").definedBy("shelf.node..")
            .layer("api").definedBy("shelf.api..")
            .layer("election").definedBy("shelf.election..")
            .layer("lock").definedBy("shelf.lock..")
            .layer("protocol").definedBy("shelf.protocol..")
            .layer("library").definedBy("shelf.library..")
            .layer("fencing").definedBy("shelf.fencing..")
            .layer("config").definedBy("shelf.config..")
            .layer("about").definedBy("shelf.about..")
            .whereLayer("entry points").mayNotBeAccessedByAnyLayer()
            .whereLayer("cli").mayOnlyBeAccessedByLayers("entry points")
            .whereLayer("bench").mayOnlyBeAccessedByLayers("entry points", "cli")
            .whereLayer("cluster").mayOnlyBeAccessedByLayers("entry points", "cli", "bench")
            .whereLayer("admin").mayOnlyBeAccessedByLayers("entry points", "cli", "bench", "cluster")
            .whereLayer("server").mayOnlyBeAccessedByLayers("entry points", "cli", "bench", "cluster", "admin")
            .whereLayer("rmi").mayOnlyBeAccessedByLayers("entry points", "cli", "bench", "cluster", "admin", "server")
            .whereLayer("node").mayOnlyBeAccessedByLayers("entry points", "cli", "bench", "cluster", "admin", "server", "rmi")
            .whereLayer("api").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node")
            .whereLayer("election").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api")
            .whereLayer("lock").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api")
            .whereLayer("protocol").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api", "election", "lock")
            .whereLayer("library").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api", "election", "lock",
                    "protocol")
            .whereLayer("fencing").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api", "election", "lock",
                    "protocol", "library")
            .whereLayer("config").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api", "election", "lock",
                    "protocol", "library")
            .whereLayer("about").mayOnlyBeAccessedByLayers(
                    "entry points", "cli", "bench", "cluster", "admin", "server", "rmi", "node", "api", "election", "lock",
                    "protocol", "library")
            .because("the graph runs one way, from the command line down to the algorithms and their value types,"
                    + " with ShelfNode (shelf.server) as the one composition root");

    @ArchTest
    static final ArchRule algorithmsImportNoRmi = noClasses().that().resideInAnyPackage(ALGORITHMS)
            .should().dependOnClassesThat().resideInAnyPackage("java.rmi..")
            .because("the algorithms run against Transport and Scheduler, so the simulation tests them without RMI");

    @ArchTest
    static final ArchRule electionIgnoresLockAndFencing = noClasses().that().resideInAPackage("shelf.election..")
            .should().dependOnClassesThat().resideInAnyPackage("shelf.lock..", "shelf.fencing..")
            .because("the election only picks a coordinator; leases and tokens belong to the lock, not to its heartbeat");

    @ArchTest
    static final ArchRule rmiAdaptersTakeANarrowNode = noClasses().that().resideInAPackage("shelf.rmi..")
            .should().dependOnClassesThat().haveFullyQualifiedName("shelf.node.NodeCore")
            .because("the RMI adapters see the node through a narrow interface, not the whole NodeCore");

    @ArchTest
    static final ArchRule onlyTheServerBuildsRmiEndpoints = noClasses()
            .that().resideOutsideOfPackages("shelf.server..", "shelf.rmi..")
            .should().callCodeUnitWhere(buildsRmiServerOrTransport())
            .because("ShelfNode (shelf.server) is the composition root that wires the node to RMI;"
                    + " clients only set timeouts");

    private static DescribedPredicate<JavaCall<?>> buildsRmiServerOrTransport() {
        return describe("a constructor of RmiServer or RmiTransport, or RmiServer.start", call -> {
            String owner = call.getTargetOwner().getName();
            boolean endpoint = owner.equals("shelf.rmi.RmiServer") || owner.equals("shelf.rmi.RmiTransport");
            return endpoint && (call.getName().equals(JavaConstructor.CONSTRUCTOR_NAME) || call.getName().equals("start"));
        });
    }

    /** target/classes: where the production classes were compiled to, found from one of them. */
    static final class ProductionClasses implements LocationProvider {
        @Override
        public Set<Location> get(Class<?> testClass) {
            try {
                Path classes = Path.of(ShelfCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return Set.of(Location.of(classes));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
