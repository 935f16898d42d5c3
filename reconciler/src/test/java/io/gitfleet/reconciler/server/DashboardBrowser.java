package io.gitfleet.reconciler.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through Selenium and Debian's chromedriver ({@code chromium-driver}); neither
 * is ever downloaded. The page's Content-Security-Policy violations are recorded from before its first script.
 */
final class DashboardBrowser implements AutoCloseable {
    static final String CHROMIUM = System.getProperty("gitfleet.chromium", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("gitfleet.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;

    private DashboardBrowser(ChromeDriver driver) {
        this.driver = driver;
    }

    static DashboardBrowser launch(int width, int height) throws Exception {
        for (String tool : new String[] {CHROMIUM, DRIVER}) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new IllegalStateException(tool + " is missing: apt-get update && apt-get install -y chromium "
                        + "chromium-driver (the README's test command installs them)");
            }
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=" + width + "," + height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(DRIVER).toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__csp = []; document.addEventListener('securitypolicyviolation',"
                        + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"));
        return new DashboardBrowser(driver);
    }

    void navigate(String url) {
        driver.get(url);
    }

    Object eval(String expression) {
        return driver.executeScript("return (" + expression + ");");
    }

    String text(String expression) {
        Object v = eval(expression);
        return v == null ? null : v.toString();
    }

    /** Waits until a JavaScript expression is true; the limit is a failure bound, not a speed assertion. */
    void waitFor(String what, String expression, Duration limit) {
        try {
            new WebDriverWait(driver, limit, Duration.ofMillis(100)).until(d -> Boolean.TRUE.equals(eval(expression)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + " (" + expression + ")");
        }
    }

    void click(String selector) {
        driver.findElement(org.openqa.selenium.By.cssSelector(selector)).click();
    }

    void type(String selector, String text) {
        var input = driver.findElement(org.openqa.selenium.By.cssSelector(selector));
        input.clear();
        input.sendKeys(text);
    }

    void screenshot(Path file, int width, int height) throws Exception {
        Dimension before = driver.manage().window().getSize();
        if (width > 0) {
            driver.manage().window().setSize(new Dimension(width, height));
        }
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        driver.manage().window().setSize(before);
    }

    /** The page's console errors and uncaught exceptions so far (Chromium logs both as SEVERE). */
    List<String> errors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
