package dev.verimail.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.verimail.events.Topics;
import dev.verimail.testbed.TestHttp;
import dev.verimail.testbed.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * A person in a real browser (headless Chromium): the sign-up form, the mailer's built-in inbox, the link, the
 * confirm button, the success page. A screenshot of every page lands in {@code target/screenshots/}; the same
 * journey in Simplified Chinese saves {@code zh-CN-*.png} beside them (Chinese glyphs need a CJK font, e.g. Debian's
 * {@code fonts-wqy-microhei} or {@code fonts-noto-cjk}).
 */
class BrowserJourneyTests {

    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("VERIMAIL_CHROMIUM", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("VERIMAIL_CHROMEDRIVER", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static VerimailStack stack;
    static WebDriver browser;

    @BeforeAll
    static void startSystemAndBrowser() throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser test needs Chromium and ChromeDriver at " + CHROMIUM + " and "
                    + CHROMEDRIVER + ". Install them with: apt-get install -y chromium chromium-driver "
                    + "(or point VERIMAIL_CHROMIUM / VERIMAIL_CHROMEDRIVER at them).");
        }
        stack = VerimailStack.start("browser", Map.of("MAILER_TRANSPORT", "inbox"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1100,1000",
                "--user-data-dir=" + Files.createTempDirectory("verimail-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * A hostile page (here a {@code data:} page, as another site would be) makes the visitor's browser post the
     * sign-up form: the browser says the request is cross-site and the service refuses it, storing nothing.
     */
    @Test
    void aSignUpFormPostedFromAnotherSiteIsRefused() throws IOException {
        String email = "cross.site@example.com";
        String page = "<html><body><form id=f method=post action='" + stack.registration.baseUrl() + "/register'>"
                + "<input name=name value=Mallory><input name=email value='" + email + "'></form>"
                + "<script>document.getElementById('f').submit()</script></body></html>";

        browser.get("data:text/html;charset=utf-8," + java.net.URLEncoder.encode(page, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20"));
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().endsWith("/register"));
        assertThat(browser.getPageSource()).contains("cross-site-request");
        screenshot("00-cross-site-form-refused");

        try (TopicReader registrations = stack.reader(Topics.REGISTRATION_EVENTS)) {
            assertThat(registrations.readFor(Duration.ofSeconds(3), r -> r.value().contains(email))).isEmpty();
        }
        // the same form from the service's own page goes through (the journey test below signs up that way)
    }

    @Test
    void aPersonSignsUpOpensTheInboxClicksTheLinkConfirmsAndIsVerified() throws IOException {
        String email = "browser.person@example.com";

        browser.get(stack.registration.baseUrl() + "/register");
        screenshot("01-sign-up-form");
        browser.findElement(By.id("name")).sendKeys("Ada <Browser> Lovelace");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("check-email")).isEmpty());
        // the page names nobody: a sign-up keeps no session to remember who it was
        assertThat(browser.getPageSource()).contains("We sent a link to the address you gave").doesNotContain(email);
        screenshot("02-check-your-email");

        WebElement link = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.get(stack.mailer.baseUrl() + "/inbox");
            List<WebElement> links = browser.findElements(By.cssSelector("a[href*='/verify?token=']"));
            return links.isEmpty() ? null : links.get(0);
        }, found -> found != null);
        assertThat(browser.getPageSource()).contains(email);
        screenshot("03-inbox");

        Set<String> windowsBefore = browser.getWindowHandles();
        link.click();
        switchToNewWindowIfAny(windowsBefore);
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("/verify"));
        assertThat(browser.getPageSource()).containsIgnoringCase("confirm");
        screenshot("04-confirm-page");
        assertThat(status(email)).as("opening the link alone verifies nobody").isEqualTo("PENDING");

        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getPageSource().toLowerCase().contains("verified"));
        screenshot("05-verified");

        await().atMost(Duration.ofSeconds(60)).until(() -> status(email), "VERIFIED"::equals);
    }

    /**
     * The code beside the link: a person reads the 6-digit code in the email (here in the inbox) and types it with
     * their address on the code page, instead of clicking the link.
     */
    @Test
    void aPersonConfirmsWithTheCodeFromTheEmailInsteadOfTheLink() throws IOException {
        String email = "browser.code@example.com";
        browser.get(stack.registration.baseUrl() + "/register");
        browser.findElement(By.id("name")).sendKeys("Cody");
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("check-email")).isEmpty());

        String code = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.get(stack.mailer.baseUrl() + "/inbox?to=" + TestHttp.enc(email));
            List<WebElement> frames = browser.findElements(By.cssSelector("iframe"));
            if (frames.isEmpty()) {
                return null;
            }
            browser.switchTo().frame(frames.get(0));
            try {
                List<WebElement> shown = browser.findElements(By.id("code"));
                // its text, also where the email's frame shows only its top (getText gives only what is visible)
                return shown.isEmpty() ? null : shown.get(0).getDomProperty("textContent").strip();
            }
            finally {
                browser.switchTo().defaultContent();
            }
        }, found -> found != null && !found.isEmpty());
        assertThat(code).matches("[0-9]{6}");
        screenshot("06-inbox-with-code");
        // the challenge is stored once the link's page (a GET: it changes nothing, counts nothing) knows it
        String link = browser.findElement(By.cssSelector("a[href*='/verify?token=']")).getAttribute("href");
        await().atMost(Duration.ofSeconds(30)).until(() -> new TestHttp(stack.verification.baseUrl())
                .send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(link)).GET()).statusCode() == 200);

        browser.get(stack.verification.baseUrl() + "/verify/code?email=" + TestHttp.enc(email));
        assertThat(browser.findElement(By.name("email")).getAttribute("value")).isEqualTo(email);
        browser.findElement(By.name("code")).sendKeys(code.substring(0, 3) + " " + code.substring(3));
        screenshot("07-code-form");
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("verified")).isEmpty());
        assertThat(browser.getPageSource()).contains(email);
        screenshot("08-verified-with-code");
    }

    /**
     * The same journey in Simplified Chinese: the sign-up page is opened with {@code ?lang=zh-CN} (the browser itself
     * asks for English), and every page after it speaks Chinese: the form's answer, the email, and the confirm and
     * result pages, which take the language from the sign-up the link belongs to, not from the browser.
     */
    @Test
    void aChineseSpeakingPersonSignsUpReadsConfirmsAndSeesEveryPageInChinese() throws IOException {
        String email = "zh.person@example.com";

        browser.get(stack.registration.baseUrl() + "/register?lang=zh-CN");
        assertThat(htmlLang()).isEqualTo("zh-CN");
        assertThat(browser.getPageSource()).contains("创建账号").doesNotContain("Create your account");
        screenshot("zh-CN-01-sign-up-form");
        // an error first: the form answers in Chinese and keeps the language
        browser.findElement(By.id("name")).sendKeys("韩梅梅");
        browser.findElement(By.id("email")).sendKeys("not-an-email");
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("email-error")).isEmpty());
        assertThat(htmlLang()).isEqualTo("zh-CN");
        assertThat(browser.findElement(By.id("email-error")).getText()).contains("请输入有效的邮箱地址");
        screenshot("zh-CN-01b-sign-up-error");
        browser.findElement(By.id("email")).clear();
        browser.findElement(By.id("email")).sendKeys(email);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("check-email")).isEmpty());
        assertThat(htmlLang()).isEqualTo("zh-CN");
        assertThat(browser.getPageSource()).contains("请查收邮件", "我们已向您填写的邮箱发送了一封邮件");
        screenshot("zh-CN-02-check-your-email");

        WebElement link = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            browser.get(stack.mailer.baseUrl() + "/inbox?to=" + email);
            List<WebElement> links = browser.findElements(By.cssSelector("a[href*='/verify?token=']"));
            return links.isEmpty() ? null : links.get(0);
        }, found -> found != null);
        assertThat(browser.getPageSource()).contains("请验证您的邮箱");
        screenshot("zh-CN-03-inbox");

        Set<String> windowsBefore = browser.getWindowHandles();
        link.click();
        switchToNewWindowIfAny(windowsBefore);
        await().atMost(Duration.ofSeconds(20)).until(() -> browser.getCurrentUrl().contains("/verify"));
        assertThat(browser.getCurrentUrl()).doesNotContain("lang=");
        assertThat(htmlLang()).isEqualTo("zh-CN");
        assertThat(browser.getPageSource()).contains("验证您的邮箱", "确认我的邮箱", "韩梅梅");
        screenshot("zh-CN-04-confirm-page");
        assertThat(status(email)).as("opening the link alone verifies nobody").isEqualTo("PENDING");

        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> !browser.findElements(By.id("verified")).isEmpty());
        assertThat(htmlLang()).isEqualTo("zh-CN");
        assertThat(browser.getPageSource()).contains("您的邮箱已确认");
        screenshot("zh-CN-05-verified");

        await().atMost(Duration.ofSeconds(60)).until(() -> status(email), "VERIFIED"::equals);
    }

    private static String htmlLang() {
        return browser.findElement(By.tagName("html")).getAttribute("lang");
    }

    private static final Map<String, String> userIds = new java.util.concurrent.ConcurrentHashMap<>();

    /** Ids are random: the user's id is the key of its {@code UserRegistered}, the public view gives the status. */
    private static String status(String email) {
        String id = userIds.computeIfAbsent(email, address -> {
            try (TopicReader registrations = stack.reader(Topics.REGISTRATION_EVENTS)) {
                return registrations.await(r -> r.value().contains("\"email\":\"" + address + "\""), 1,
                        Duration.ofSeconds(30)).get(0).key();
            }
        });
        var response = new TestHttp(stack.registration.baseUrl()).get("/api/registrations/" + id);
        if (response.statusCode() != 200) {
            return "MISSING";
        }
        return JsonMapper.builder().build().readTree(response.body()).get("status").asString();
    }

    private static void switchToNewWindowIfAny(Set<String> before) {
        for (String handle : browser.getWindowHandles()) {
            if (!before.contains(handle)) {
                browser.switchTo().window(handle);
                return;
            }
        }
    }

    private static void screenshot(String name) throws IOException {
        File file = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(file.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
