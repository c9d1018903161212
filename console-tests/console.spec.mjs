// Drives the detective-local console in Chromium with Playwright against
// two running servers on one store: BASE_OPEN (signatures not verified)
// and BASE_VERIFY (--verify-signatures). The Go test that starts them
// (internal/app TestConsoleInBrowser) passes the seeded world in the
// environment. Screenshots go to ARTIFACTS. Exits non-zero on the first
// failed expectation.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set`);
  return v;
};
const open = env("BASE_OPEN"), verify = env("BASE_VERIFY");
const graph = env("GRAPH"), investigation = env("INVESTIGATION"), role = env("ROLE"), ip = env("IP");
const artifacts = env("ARTIFACTS");
mkdirSync(artifacts, { recursive: true });

function expect(cond, what) {
  if (!cond) throw new Error("expectation failed: " + what);
  console.log("ok -", what);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  // launch() gives every run a fresh temporary profile (--user-data-dir) of its own.
});
const shot = (page, name) => page.screenshot({ path: join(artifacts, name + ".png"), fullPage: true });

// Every visible form control has a label, so that screen readers name it.
async function expectLabelled(page, where) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input:not([type=hidden]), select")]
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label"))
      .map((el) => el.name));
  expect(unlabelled.length === 0, `${where}: every form control has a label (unlabelled: ${unlabelled})`);
}

try {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => { throw new Error("page script error: " + e.message); });

  // Sign in without verification as the invited account, and accept.
  await page.goto(open + "/console/");
  expect(page.url().endsWith("/console/signin"), "an anonymous visit goes to the sign-in page");
  await expectLabelled(page, "sign-in");
  await shot(page, "signin");
  await page.fill("#otherAccount", "222222222222");
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  expect((await page.textContent("[data-testid=account]")) === "222222222222", "signed in as the invited account");
  const row = page.locator("[data-testid=invitations] tr", { hasText: graph });
  expect((await row.textContent()).includes("INVITED"), "the invitation is listed as INVITED");
  await row.getByRole("button", { name: "Accept" }).click();
  await page.waitForURL(/\/console\/graphs$/);
  expect((await page.locator("[data-testid=invitations] tr", { hasText: graph }).textContent()).includes("ENABLED"),
    "after Accept the membership is ENABLED");
  await shot(page, "invitations");
  await page.click("text=Sign out");

  // Sign in as the administrator, chosen from the known accounts, with the keyboard.
  await page.selectOption("#account", "111111111111");
  await page.focus("#region");
  await page.keyboard.press("Enter"); // Enter in a text field submits its form
  await page.waitForURL(/\/console\/graphs$/);
  const members = await page.textContent("[data-testid=members]");
  expect(members.includes("222222222222") && members.includes("333333333333"), "the graph lists both members");
  await expectLabelled(page, "graphs");
  await shot(page, "graphs");

  // Investigations: the list, filtered, then the seeded report.
  await page.click("nav >> text=Investigations");
  await page.selectOption("#f-state", "ACTIVE");
  await page.click("text=Filter");
  expect((await page.textContent("[data-testid=investigations]")).includes(investigation), "the seeded investigation is listed");
  await expectLabelled(page, "investigations");
  await shot(page, "investigations");
  await page.click(`text=${investigation}`);
  await page.waitForURL(/\/console\/investigation\?/);
  const h1 = await page.textContent("h1");
  expect(h1.includes(investigation), "the report opens: " + h1 + " at " + page.url());
  for (const section of ["TTP_OBSERVED", "NEW_GEOLOCATION", "RELATED_FINDING"]) {
    expect(await page.locator(`h2:has-text("${section}")`).count() === 1, `the report has a ${section} section`);
  }
  await shot(page, "investigation");

  // Follow the indicator's address to its profile: chart and map.
  await page.locator('section.indicator:has(h2:has-text("TTP_OBSERVED"))').getByRole("link", { name: ip }).click();
  await page.waitForSelector("#chart[data-rendered=true]");
  expect((await page.textContent("[data-testid=entity]")) === ip, "the indicator leads to the address's profile");
  expect(await page.locator("[data-testid=map] circle").count() >= 1, "the address is on the map");
  await shot(page, "profile-ip");

  // The investigated role's profile: chart, map, tables, first render timed.
  const url = `${open}/console/profile?graph=${encodeURIComponent(graph)}&entity=${encodeURIComponent(role)}` +
    `&from=${env("FROM")}&to=${env("TO")}`;
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector("#chart[data-rendered=true] canvas");
  const elapsed = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType("navigation")[0];
    return { response: Math.round(n.responseEnd - n.requestStart), load: Math.round(n.loadEventEnd - n.startTime) };
  });
  console.log(`profile first render: ${elapsed} ms to chart drawn (server response ${nav.response} ms, load event ${nav.load} ms)`);
  expect(await page.locator("[data-testid=map] circle").count() >= 2, "the role's addresses are on the map");
  expect(await page.locator("[data-testid=apis] tbody tr").count() >= 1, "the role's top APIs are listed");
  expect((await page.textContent("footer")).includes("DB-IP"), "the geolocation attribution is shown");
  await expectLabelled(page, "profile");
  await shot(page, "profile");

  // Its finding groups, drawn as a graph.
  await page.click("text=Finding groups >> nth=0");
  await page.waitForURL(/finding-groups/);
  await page.waitForSelector("section.group .cy[data-rendered]");
  const nodes = Number(await page.getAttribute("section.group .cy", "data-rendered"));
  expect(nodes >= 3, `the finding group is drawn (${nodes} nodes: findings and entities)`);
  await shot(page, "finding-group");

  // Archive and unarchive the report.
  await page.goto(`${open}/console/investigation?graph=${encodeURIComponent(graph)}&id=${investigation}`);
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Archive')")]);
  expect((await page.textContent("[data-testid=state]")) === "ARCHIVED", "Archive archives");
  await Promise.all([page.waitForNavigation(), page.click("button:has-text('Unarchive')")]);
  expect((await page.textContent("[data-testid=state]")) === "ACTIVE", "Unarchive restores");
  await ctx.close();

  // With verification: a wrong secret is refused, the right one signs in.
  const vctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const vpage = await vctx.newPage();
  await vpage.goto(verify + "/console/graphs");
  expect(vpage.url().endsWith("/console/signin"), "verification on: pages need a session");
  expect(await vpage.locator("#account").count() === 0, "verification on: no account picker");
  await vpage.fill("#accessKeyId", "AKIAADMINEXAMPLE");
  await vpage.fill("#secretAccessKey", "wrong");
  await Promise.all([vpage.waitForNavigation(), vpage.click("button[type=submit]")]);
  expect((await vpage.textContent("[role=alert]")).includes("not valid"), "a wrong secret is refused");
  await vpage.fill("#accessKeyId", "AKIAADMINEXAMPLE");
  await vpage.fill("#secretAccessKey", "admin-secret");
  await shot(vpage, "signin-verify");
  await Promise.all([vpage.waitForNavigation(), vpage.click("button[type=submit]")]);
  expect((await vpage.textContent("[data-testid=account]")) === "111111111111", "the key's account is signed in");
  const cookie = (await vctx.cookies()).find((c) => c.name === "detective_console");
  expect(cookie && cookie.httpOnly && cookie.sameSite === "Lax", "the session cookie is HttpOnly and SameSite=Lax");
  await vctx.close();
} finally {
  await browser.close();
}
