package shelf.sim;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.provider.ArgumentsSource;
import org.junit.jupiter.params.support.AnnotationConsumer;

/**
 * Runs a {@code @ParameterizedTest} once per seed, 1 to {@link #value}, each run a test of its own (name it
 * {@code "seed {0}"}), so one failing seed does not hide the others.
 *
 * <p>To replay a failure, {@code -Dseed=N} runs seed N alone in every seeded test ({@code -DseedMax=M}: N to M).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ArgumentsSource(Seeds.Provider.class)
@interface Seeds {
    /** How many seeds. */
    int value();

    /** A system property that, when set, overrides {@link #value} (e.g. {@code -Dsim.seeds=1000} for a long soak). */
    String countProperty() default "";

    /** The seeds of a {@link Seeds} annotation; {@link #range} for tests that combine seeds with other arguments. */
    final class Provider implements ArgumentsProvider, AnnotationConsumer<Seeds> {
        private int count;

        @Override
        public void accept(Seeds seeds) {
            count = seeds.countProperty().isEmpty() ? seeds.value() : Integer.getInteger(seeds.countProperty(), seeds.value());
        }

        @Override
        public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
            return range(count).mapToObj(Arguments::of);
        }

        /** Seeds 1 to {@code count}, or the ones {@code -Dseed} and {@code -DseedMax} ask for. */
        static LongStream range(int count) {
            Long only = Long.getLong("seed");
            if (only != null) {
                return LongStream.rangeClosed(only, Long.getLong("seedMax", only));
            }
            return LongStream.rangeClosed(1, count);
        }
    }
}
