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
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        "shelf.election..", "shelf.lock..", "shelf.protocol..", "shelf.store..", "shelf.library..", "shelf.fencing..",
        "shelf.config..",
    };

    @ArchTest
    static final ArchRule packagesHaveNoCycles = slices().matching("shelf.(*)..").should().beFreeOfCycles()
            .because("a package that imports back up cannot be read, tested or replaced on its own");

    /**
     * The layers, top to bottom; a layer may use only the layers below it. Packages in one tier are peers that
     * may not use each other either: bench and dashboard; election and lock; fencing, config and events; under them
     * all, util (texts, files, exit codes), which uses nothing of Shelf's.
     */
    static final List<List<String>> TIERS = List.of(
            List.of("cli"), List.of("bench", "dashboard", "chaos"), List.of("cluster"), List.of("admin"), List.of("server"),
            List.of("rmi"), List.of("node"), List.of("api"), List.of("election", "lock"), List.of("protocol"), List.of("store"),
            List.of("library"), List.of("tls"), List.of("timeline"),
            List.of("fencing", "config", "events"), List.of("util"));

    @ArchTest
    static final ArchRule layersGoOneWay = layers()
            .because("the graph runs one way, from the command line down to the algorithms and their value types,"
                    + " with ShelfNode (shelf.server) as the one composition root");

    private static LayeredArchitecture layers() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
                .ensureAllClassesAreContainedInArchitecture()
                .layer("entry points").definedBy(describe("the default package", (JavaClass c) -> c.getPackageName().isEmpty()))
                .whereLayer("entry points").mayNotBeAccessedByAnyLayer();
        List<String> above = new ArrayList<>(List.of("entry points"));
        for (List<String> tier : TIERS) {
            for (String name : tier) {
                layers = layers.layer(name).definedBy("shelf." + name + "..");
            }
        }
        for (List<String> tier : TIERS) {
            for (String name : tier) {
                layers = layers.whereLayer(name).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            }
            above.addAll(tier);
        }
        return layers;
    }

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
