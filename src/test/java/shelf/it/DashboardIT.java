package shelf.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;
import shelf.cluster.LocalCluster;

/**
 * Issue 17 §4: the dashboard that {@code cluster} serves, driven in Debian's headless Chromium through its chromedriver
 * (both paths given, so nothing downloads a driver): five nodes appear with node 5 as coordinator; "crash" on node 5
 * shows node 4 as coordinator, and node 4's COORDINATOR messages in the page's log of events; a borrow from the page
 * shows in the library table and in the history; "pause" and "resume" on node 3 (the cluster's SIGSTOP and SIGCONT)
 * show it paused, then up; the timeline button opens the Lamport diagram. Leaves a screenshot in
 * target/dashboard.png. Skipped, saying why, when Chromium is not installed, except in CI.
 */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The texts of the ring's nodes (name, role, epoch) that are wider than their circle, as the browser drew them. */
    private static final String TEXT_WIDER_THAN_ITS_CIRCLE = "return [...document.querySelectorAll('#circles g.node')]"
            + ".flatMap(g => { const r = Number(g.querySelector('circle').getAttribute('r'));"
            + " return [...g.querySelectorAll('text')].filter(t => t.getBBox().width > 2 * r - 4).map(t => t.textContent); });";
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** Liveness, not speed: five JVMs on a loaded two-core machine may take a while to start and agree. */
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration CHANGE = Duration.ofSeconds(60);

    @Test
    void crashTheCoordinatorAndBorrowFromThePage(@TempDir Path dir) throws Exception {
        requireChromium();
        writeConfig(dir);
        Path out = dir.resolve("cluster.out");
        Process cluster = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-jar", LocalCluster.currentJar().toString(),
                "cluster", "--no-color", "--dashboard-port", "0", "--jvm", ClusterFixture.NODE_JVM_OPTION)
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        WebDriver browser = null;
        List<String> steps = new ArrayList<>();
        long started = System.nanoTime();
        Consumer<String> step = what -> steps.add(what + " " + (System.nanoTime() - started) / 1_000_000 / 100 / 10.0 + " s");
        try {
            browser = chromium(); // while the nodes start
            step.accept("browser");
            browser.get(awaitUrl(out));
            step.accept("url");
            // the tables are redrawn as the state changes: an element found a moment ago may be gone, and is looked up again
            Wait<WebDriver> starting = new WebDriverWait(browser, START, Duration.ofMillis(200))
                    .ignoring(StaleElementReferenceException.class);
            starting.until(b -> allFollow(b, 5, List.of(1, 2, 3, 4, 5)));
            step.accept("node 5 coordinator");
            assertFalse(browser.findElement(By.id("events-off")).isDisplayed(), "events are on: no note that they are off");

            Wait<WebDriver> changing = new WebDriverWait(browser, CHANGE, Duration.ofMillis(200))
                    .ignoring(StaleElementReferenceException.class);
            click(changing, By.cssSelector("button[data-action='crash'][data-node='5']"));
            changing.until(b -> allFollow(b, 4, List.of(1, 2, 3, 4))
                    && cell(b, 5, "state").equals("unreachable"));
            step.accept("node 4 coordinator");
            changing.until(b -> b.findElement(By.cssSelector("#circle-4 .role")).getText().startsWith("coordinator"));
            assertEquals(List.of(), ((JavascriptExecutor) browser).executeScript(TEXT_WIDER_THAN_ITS_CIRCLE),
                    "the ring's labels stay inside their circles");
            changing.until(b -> b.findElements(By.cssSelector("#log li")).stream()
                    .anyMatch(li -> li.getText().contains("node 4: COORDINATOR → node"))); // tailed from the event files

            browser.findElement(By.id("user")).clear();
            browser.findElement(By.id("user")).sendKeys("carol");
            changing.until(b -> !b.findElements(By.cssSelector("#book-3 button[data-action='borrow']")).isEmpty());
            click(changing, By.cssSelector("#book-3 button[data-action='borrow']"));
            changing.until(b -> b.findElement(By.cssSelector("#book-3 .where")).getText().startsWith("lent to carol until ")
                    && b.findElements(By.cssSelector("#history li")).stream()
                            .anyMatch(li -> li.getText().contains("BORROW book 3 carol")));
            step.accept("borrowed");
            screenshot(browser, Path.of("target", "dashboard.png"));

            click(changing, By.cssSelector("button[data-action='pause'][data-node='3']")); // SIGSTOP by cluster
            changing.until(b -> cell(b, 3, "state").equals("paused"));
            click(changing, By.cssSelector("button[data-action='resume'][data-node='3']"));
            changing.until(b -> cell(b, 3, "state").equals("up"));
            step.accept("paused and resumed");

            String page = browser.getWindowHandle();
            click(changing, By.id("timeline"));
            changing.until(b -> b.getWindowHandles().size() == 2);
            browser.switchTo().window(browser.getWindowHandles().stream().filter(h -> !h.equals(page)).findFirst().orElseThrow());
            changing.until(b -> b.getPageSource().contains("Shelf timeline") && b.getPageSource().contains("COORDINATOR"));
            step.accept("timeline");
            System.out.println("DashboardIT: " + String.join(", ", steps) + "; screenshot target/dashboard.png");
        } catch (RuntimeException | AssertionError e) {
            if (browser != null) {
                screenshot(browser, Path.of("target", "dashboard-failed.png"));
            }
            throw new AssertionError(e.getMessage() + "\ncluster output:\n" + tail(out), e);
        } finally {
            if (browser != null) {
                browser.quit();
            }
            cluster.destroy(); // SIGTERM: the cluster stops its nodes
            if (!cluster.waitFor(60, TimeUnit.SECONDS)) {
                cluster.descendants().forEach(ProcessHandle::destroyForcibly);
                cluster.destroyForcibly();
            }
        }
    }

    /** Every node of {@code ids} is up and follows {@code coordinator}, which says it is the coordinator. */
    private static boolean allFollow(WebDriver b, int coordinator, List<Integer> ids) {
        for (int id : ids) {
            if (!cell(b, id, "state").equals("up") || !cell(b, id, "coordinator").equals(String.valueOf(coordinator))) {
                return false;
            }
        }
        return cell(b, coordinator, "role").equals("COORDINATOR");
    }

    /** Clicks what {@code by} finds, looking it up again while a redraw replaces it under the click. */
    private static void click(Wait<WebDriver> wait, By by) {
        wait.until(b -> {
            b.findElement(by).click();
            return true;
        });
    }

    /** The text of node {@code id}'s cell {@code name} in the nodes table, or "" while there is none. */
    private static String cell(WebDriver b, int id, String name) {
        List<WebElement> cells = b.findElements(By.cssSelector("#node-" + id + " td." + name));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    private static void requireChromium() {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && System.getenv("CI") != null) {
            fail("Chromium and its driver are missing (" + CHROMIUM + ", " + CHROMEDRIVER + "): .ci/run installs the Debian "
                    + "packages chromium and chromium-driver");
        }
        Assumptions.assumeTrue(present, "DashboardIT skipped: install Debian's chromium and chromium-driver (" + CHROMIUM
                + ", " + CHROMEDRIVER + ") to run it");
    }

    private static WebDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,820");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void writeConfig(Path dir) throws Exception {
        List<Integer> ports = LocalCluster.freePorts(5);
        List<String> config = new ArrayList<>();
        for (int id = 1; id <= 5; id++) {
            config.add("node." + id + "=127.0.0.1:" + ports.get(id - 1));
        }
        config.addAll(List.of("heartbeat.interval.ms=200", "failure.timeout.ms=1500", "lease.ms=2000", "rpc.timeout.ms=800",
                "events=on"));
        Files.write(dir.resolve("nodes.properties"), config);
    }

    /** The URL the cluster printed, with its token. */
    private static String awaitUrl(Path out) {
        Pattern line = Pattern.compile("(?m)^Dashboard: (http://127\\.0\\.0\\.1:\\d+/\\?token=[A-Za-z0-9_-]+)$");
        await().atMost(START).until(() -> line.matcher(Files.readString(out)).find());
        try {
            Matcher m = line.matcher(Files.readString(out));
            assertTrue(m.find());
            return m.group(1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void screenshot(WebDriver browser, Path to) {
        try {
            Path shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.createDirectories(to.getParent());
            Files.copy(shot, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            System.err.println("no screenshot: " + e);
        }
    }

    private static String tail(Path out) {
        try {
            List<String> lines = Files.readAllLines(out);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
