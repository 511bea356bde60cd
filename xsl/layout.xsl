<?xml version="1.0" encoding="UTF-8"?>
<!--
  Shared templates for every citizen page (see docs/internals.md).

  A page stylesheet includes this file and provides three hooks on the
  result document's root element:
    <xsl:template match="page" mode="title">  text for <title> (no markup)
    <xsl:template match="page" mode="main">   content of <main>
    <xsl:template match="page" mode="head">   optional extra <head> content
  Helpers: msg (message catalog), t (child by xml:lang), fee, amount, datetime,
  date, link (URL inside the program, keeps the language), contact box.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:r="urn:x-rathaus" exclude-result-prefixes="r">

  <xsl:output method="html" encoding="UTF-8" indent="no"
      doctype-system="about:legacy-compat"/>

  <!-- The path of the town's municipality.xml (an empty node-set where
       it has none), passed by render.c; the message catalog as the
       page's language sees it is behind r:msg('key') (render.c,
       msgcat.c). -->
  <xsl:param name="municipality" select="/.."/>
  <xsl:variable name="T" select="document($municipality)/municipality"/>
  <xsl:decimal-format name="de" decimal-separator="," grouping-separator="."/>

  <xsl:variable name="lang">
    <xsl:choose>
      <xsl:when test="string(/page/@lang)"><xsl:value-of select="/page/@lang"/></xsl:when>
      <xsl:otherwise>de</xsl:otherwise>
    </xsl:choose>
  </xsl:variable>
  <xsl:variable name="ctx" select="/page/context"/>
  <xsl:variable name="script" select="string($ctx/@script)"/>
  <xsl:variable name="static" select="string($ctx/@static)"/>
  <!-- Query suffix that keeps a non-German language on links. -->
  <xsl:variable name="lq">
    <xsl:if test="$lang != 'de'">?lang=<xsl:value-of select="$lang"/></xsl:if>
  </xsl:variable>

  <!-- Page shell -->
  <xsl:template match="/">
    <html lang="{$lang}">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:if test="/page/@status = '422'">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'title.error'"/></xsl:call-template>
            <xsl:text>: </xsl:text>
          </xsl:if>
          <xsl:apply-templates select="/page" mode="title"/>
          <xsl:text> – </xsl:text>
          <xsl:call-template name="town-name"><xsl:with-param name="inline" select="false()"/></xsl:call-template>
        </title>
        <link rel="stylesheet" href="{$static}/rathaus.css"/>
        <xsl:if test="$T">
          <link rel="stylesheet" href="{$ctx/@portal}/site/look?v={$ctx/@look}"/>
        </xsl:if>
        <xsl:apply-templates select="/page" mode="head"/>
      </head>
      <body>
        <a class="skip-link" href="#main">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'nav.skip'"/></xsl:call-template>
        </a>
        <xsl:call-template name="site-header"/>
        <main id="main" class="wrap" tabindex="-1">
          <xsl:apply-templates select="/page" mode="main"/>
        </main>
        <xsl:call-template name="site-footer"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="page" mode="head"/>

  <xsl:template name="site-header">
    <header class="site-header">
      <div class="wrap">
        <a class="brand" href="{$script}/{$lq}">
          <xsl:if test="$T/look/logo">
            <img class="brand-logo" src="{$ctx/@portal}/site/logo?v={$ctx/@look}">
              <xsl:attribute name="alt">
                <xsl:call-template name="t">
                  <xsl:with-param name="of" select="$T/look/logo/alt"/>
                  <xsl:with-param name="inline" select="false()"/>
                </xsl:call-template>
              </xsl:attribute>
            </img>
          </xsl:if>
          <span class="brand-text">
            <span class="brand-name">
              <xsl:call-template name="town-name"/>
            </span>
            <xsl:text> </xsl:text>
            <span class="brand-tagline">
              <xsl:call-template name="town-tagline"/>
            </span>
          </span>
        </a>
        <xsl:variable name="other">
          <xsl:choose>
            <xsl:when test="$lang = 'en'">de</xsl:when>
            <xsl:otherwise>en</xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <nav class="lang-switch">
          <xsl:attribute name="aria-label">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'nav.language'"/></xsl:call-template>
          </xsl:attribute>
          <a lang="{$other}" hreflang="{$other}">
            <xsl:attribute name="href">
              <xsl:value-of select="$script"/>
              <xsl:choose>
                <xsl:when test="string($ctx/@self)"><xsl:value-of select="$ctx/@self"/></xsl:when>
                <xsl:otherwise>/</xsl:otherwise>
              </xsl:choose>
              <xsl:text>?</xsl:text>
              <xsl:call-template name="query-without-lang">
                <xsl:with-param name="q" select="string($ctx/@query)"/>
              </xsl:call-template>
              <xsl:text>lang=</xsl:text>
              <xsl:value-of select="$other"/>
            </xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('lang.', $other)"/></xsl:call-template>
          </a>
        </nav>
        <xsl:apply-templates select="/page/account" mode="box"/>
      </div>
    </header>
  </xsl:template>

  <!--
    The citizen's account (only where the portal logs citizens in): for
    the logged-in citizen the name, "Meine Anträge" and the module's
    logout; else "Anmelden", back to this page after the login.
  -->
  <xsl:template match="account" mode="box">
    <nav class="account">
      <xsl:attribute name="aria-label">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'account.label'"/></xsl:call-template>
      </xsl:attribute>
      <xsl:choose>
        <xsl:when test="string(@level)">
          <span class="account-name">
            <xsl:call-template name="msg">
              <xsl:with-param name="key" select="'account.as'"/>
              <xsl:with-param name="arg" select="normalize-space(concat(@given-name, ' ', @family-name))"/>
              <xsl:with-param name="format" select="false()"/>
            </xsl:call-template>
          </span>
          <xsl:text> </xsl:text>
          <a href="{$script}/my{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'account.my'"/></xsl:call-template></a>
          <xsl:if test="string(@logout)">
            <xsl:text> </xsl:text>
            <a href="{@logout}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'account.logout'"/></xsl:call-template></a>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <a>
            <xsl:attribute name="href">
              <xsl:value-of select="concat($script, '/login?return=', $ctx/@self)"/>
              <xsl:if test="$lang != 'de'"><xsl:value-of select="concat('%3Flang%3D', $lang)"/></xsl:if>
            </xsl:attribute>
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'account.login'"/></xsl:call-template></a>
        </xsl:otherwise>
      </xsl:choose>
    </nav>
  </xsl:template>

  <!-- The query string minus any lang= parameter, each kept one followed by '&'. -->
  <xsl:template name="query-without-lang">
    <xsl:param name="q"/>
    <xsl:if test="$q">
      <xsl:variable name="first" select="substring-before(concat($q, '&amp;'), '&amp;')"/>
      <xsl:if test="$first != '' and not(starts-with($first, 'lang='))">
        <xsl:value-of select="$first"/>
        <xsl:text>&amp;</xsl:text>
      </xsl:if>
      <xsl:call-template name="query-without-lang">
        <xsl:with-param name="q" select="substring-after($q, '&amp;')"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="site-footer">
    <footer class="site-footer">
      <div class="wrap">
        <nav>
          <xsl:attribute name="aria-label">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'footer.label'"/></xsl:call-template>
          </xsl:attribute>
          <ul>
            <xsl:call-template name="legal-link"><xsl:with-param name="kind" select="'imprint'"/><xsl:with-param name="key" select="'footer.imprint'"/></xsl:call-template>
            <xsl:call-template name="legal-link"><xsl:with-param name="kind" select="'privacy'"/><xsl:with-param name="key" select="'footer.privacy'"/></xsl:call-template>
            <xsl:call-template name="legal-link"><xsl:with-param name="kind" select="'accessibility'"/><xsl:with-param name="key" select="'footer.accessibility'"/></xsl:call-template>
            <xsl:for-each select="$T/links/easy-language">
              <li><a href="{@href}" hreflang="de" lang="de"><xsl:call-template name="msg"><xsl:with-param name="key" select="'footer.easy_language'"/></xsl:call-template></a></li>
            </xsl:for-each>
            <xsl:for-each select="$T/links/sign-language">
              <li><a href="{@href}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'footer.sign_language'"/></xsl:call-template></a></li>
            </xsl:for-each>
          </ul>
        </nav>
        <p class="footer-name">
          <xsl:call-template name="town-name"/>
          <xsl:text> – </xsl:text>
          <xsl:call-template name="town-tagline"/>
        </p>
      </div>
    </footer>
  </xsl:template>

  <!--
    A footer link to a legal page: the town's own page where
    municipality.xml names one, else the page rathaus renders from it.
  -->
  <xsl:template name="legal-link">
    <xsl:param name="kind"/>
    <xsl:param name="key"/>
    <li>
      <a>
        <xsl:attribute name="href">
          <xsl:call-template name="legal-href"><xsl:with-param name="kind" select="$kind"/></xsl:call-template>
        </xsl:attribute>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="$key"/></xsl:call-template>
      </a>
    </li>
  </xsl:template>

  <!-- The address of a legal page (imprint, privacy, accessibility). -->
  <xsl:template name="legal-href">
    <xsl:param name="kind"/>
    <xsl:variable name="own" select="$T/links/*[local-name() = $kind]/@href"/>
    <xsl:choose>
      <xsl:when test="$own"><xsl:value-of select="$own"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($ctx/@portal, '/legal/', $kind, $lq)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The town's name and tagline from municipality.xml; without one the
       catalog's neutral words (messages site.name, site.tagline). -->
  <xsl:template name="town-name">
    <xsl:param name="inline" select="true()"/>
    <xsl:choose>
      <xsl:when test="$T/name">
        <xsl:call-template name="t">
          <xsl:with-param name="of" select="$T/name"/>
          <xsl:with-param name="inline" select="$inline"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'site.name'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="town-tagline">
    <xsl:choose>
      <xsl:when test="$T/tagline">
        <xsl:call-template name="t"><xsl:with-param name="of" select="$T/tagline"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'site.tagline'"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    msg: the text for $key in the page language (German as fallback),
    "{arg}" replaced by $arg (dates and decimals shown the German way on
    German pages; $format false() leaves it as it is). A missing key yields
    $default (the key itself).
  -->
  <xsl:template name="msg">
    <xsl:param name="key"/>
    <xsl:param name="arg" select="''"/>
    <xsl:param name="default" select="$key"/>
    <xsl:param name="format" select="true()"/>
    <xsl:variable name="text" select="r:msg($key)"/>
    <xsl:choose>
      <xsl:when test="string($text) = ''"><xsl:value-of select="$default"/></xsl:when>
      <xsl:when test="contains($text, '{arg}')">
        <xsl:variable name="a">
          <xsl:choose>
            <xsl:when test="$format">
              <xsl:call-template name="format-arg"><xsl:with-param name="arg" select="string($arg)"/></xsl:call-template>
            </xsl:when>
            <xsl:otherwise><xsl:value-of select="$arg"/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <xsl:call-template name="replace-arg">
          <xsl:with-param name="text" select="string($text)"/>
          <xsl:with-param name="arg" select="string($a)"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="replace-arg">
    <xsl:param name="text"/>
    <xsl:param name="arg"/>
    <xsl:choose>
      <xsl:when test="contains($text, '{arg}')">
        <xsl:value-of select="substring-before($text, '{arg}')"/>
        <xsl:value-of select="$arg"/>
        <xsl:call-template name="replace-arg">
          <xsl:with-param name="text" select="substring-after($text, '{arg}')"/>
          <xsl:with-param name="arg" select="$arg"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An argument for display: YYYY-MM-DD as DD.MM.YYYY and 2.5 as 2,5 in German. -->
  <xsl:template name="format-arg">
    <xsl:param name="arg"/>
    <xsl:choose>
      <xsl:when test="$lang = 'de' and string-length($arg) = 10
                      and translate($arg, '0123456789', 'dddddddddd') = 'dddd-dd-dd'">
        <xsl:value-of select="concat(substring($arg, 9, 2), '.', substring($arg, 6, 2), '.', substring($arg, 1, 4))"/>
      </xsl:when>
      <xsl:when test="$lang = 'de' and contains($arg, '.') and string(number($arg)) != 'NaN'">
        <xsl:value-of select="translate($arg, '.', ',')"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$arg"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    t: the member of $of (elements with xml:lang) in the page language,
    else German, else the first. When it falls back to another language and
    $inline is true, the text is wrapped in <span lang=".."> so that screen
    readers pronounce it right; pass inline false() inside attributes,
    <title> and <option>.
  -->
  <xsl:template name="t">
    <xsl:param name="of"/>
    <xsl:param name="inline" select="true()"/>
    <xsl:choose>
      <xsl:when test="$of[@xml:lang = $lang]">
        <xsl:value-of select="$of[@xml:lang = $lang]"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="node" select="($of[@xml:lang = 'de'] | $of[1][not($of[@xml:lang = 'de'])])[1]"/>
        <xsl:choose>
          <xsl:when test="$inline and string($node/@xml:lang) and $node/@xml:lang != $lang">
            <span lang="{$node/@xml:lang}"><xsl:value-of select="$node"/></span>
          </xsl:when>
          <xsl:otherwise><xsl:value-of select="$node"/></xsl:otherwise>
        </xsl:choose>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A URL inside the citizen program that keeps the page language. -->
  <xsl:template name="link">
    <xsl:param name="path" select="'/'"/>
    <xsl:value-of select="concat($script, $path, $lq)"/>
  </xsl:template>

  <!--
    A link to a submission's page (path + reference) with its token, or
    without one where the logged-in owner's account opens it (the token
    attribute is empty then).
  -->
  <xsl:template name="submission-link">
    <xsl:param name="path"/>
    <xsl:param name="token"/>
    <xsl:choose>
      <xsl:when test="string($token)">
        <xsl:value-of select="concat($script, $path, '?token=', $token)"/>
        <xsl:if test="$lang != 'de'">&amp;lang=<xsl:value-of select="$lang"/></xsl:if>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="concat($script, $path, $lq)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!--
    What to have ready, how long it takes, the legal basis: from the
    definition's document, duration and legal elements, where present.
  -->
  <xsl:template name="service-facts">
    <xsl:variable name="S" select="/page/service"/>
    <xsl:variable name="docs" select="$S/document[@xml:lang = $lang]"/>
    <xsl:variable name="all" select="$docs | $S/document[not($docs)][@xml:lang = 'de']"/>
    <xsl:if test="$all">
      <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="'service.documents'"/></xsl:call-template></h2>
      <ul class="documents">
        <xsl:for-each select="$all"><li><xsl:value-of select="."/></li></xsl:for-each>
      </ul>
    </xsl:if>
    <xsl:if test="$S/duration or $S/legal">
      <dl class="facts">
        <xsl:if test="$S/duration">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'service.duration'"/></xsl:call-template></dt>
          <dd><xsl:call-template name="t"><xsl:with-param name="of" select="$S/duration"/></xsl:call-template></dd>
        </xsl:if>
        <xsl:if test="$S/legal">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'service.legal'"/></xsl:call-template></dt>
          <dd><xsl:call-template name="t"><xsl:with-param name="of" select="$S/legal"/></xsl:call-template></dd>
        </xsl:if>
      </dl>
    </xsl:if>
  </xsl:template>

  <xsl:template name="back-to-catalog">
    <p class="back">
      <a href="{$script}/{$lq}">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'nav.catalog'"/></xsl:call-template>
      </a>
    </p>
  </xsl:template>

  <!-- A fee in integer cents: its amount, but 0 is "kostenlos" / "free". -->
  <xsl:template name="fee">
    <xsl:param name="cents"/>
    <xsl:choose>
      <xsl:when test="string(number($cents)) = 'NaN'"/>
      <xsl:when test="number($cents) = 0">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.free'"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="amount"><xsl:with-param name="cents" select="$cents"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Money in integer cents: "1.234,50 €" / "EUR 1,234.50" (0 too). -->
  <xsl:template name="amount">
    <xsl:param name="cents"/>
    <xsl:if test="string(number($cents)) != 'NaN'">
      <xsl:call-template name="msg">
        <xsl:with-param name="key" select="'fee.amount'"/>
        <xsl:with-param name="format" select="false()"/>
        <xsl:with-param name="arg">
          <xsl:choose>
            <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($cents div 100, '#.##0,00', 'de')"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="format-number($cents div 100, '#,##0.00')"/></xsl:otherwise>
          </xsl:choose>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- <p class="fee">Gebühr: <span class="amount">15,00 €</span></p> -->
  <!--
    $fee is the service's <fee>: its amount, or, where the fee is paid
    elsewhere (at the counter), what its <counter> text says instead.
  -->
  <xsl:template name="fee-line">
    <xsl:param name="fee"/>
    <xsl:if test="string(number($fee/@cents)) != 'NaN'">
      <p class="fee">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template>
        <xsl:text>: </xsl:text>
        <!-- An amount stays on one line; the counter's sentence wraps. -->
        <xsl:choose>
          <xsl:when test="$fee/counter">
            <strong><xsl:call-template name="t"><xsl:with-param name="of" select="$fee/counter"/></xsl:call-template></strong>
          </xsl:when>
          <xsl:otherwise>
            <strong class="amount"><xsl:call-template name="fee"><xsl:with-param name="cents" select="$fee/@cents"/></xsl:call-template></strong>
          </xsl:otherwise>
        </xsl:choose>
      </p>
    </xsl:if>
  </xsl:template>

  <!--
    A submission's appointment (/page/booking, page_slot.c): when and
    where, or that it is cancelled, and its calendar file to download.
    The receipt and the status page show it; `actions` is what the page
    adds (cancel and move, on the status page).
  -->
  <xsl:template name="booking-box">
    <xsl:param name="actions" select="/.."/>
    <xsl:variable name="B" select="/page/booking"/>
    <xsl:variable name="sub" select="/page/submission"/>
    <xsl:if test="$B">
      <section class="panel booking booking-{$B/@state}" aria-labelledby="booking-heading">
        <h2 id="booking-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'calendar.heading'"/></xsl:call-template></h2>
        <p class="booking-when">
          <strong><xsl:call-template name="datetime"><xsl:with-param name="iso" select="$B/@start"/></xsl:call-template></strong>
          <xsl:if test="$B/location">
            <br/>
            <xsl:call-template name="t"><xsl:with-param name="of" select="$B/location"/></xsl:call-template>
          </xsl:if>
        </p>
        <xsl:choose>
          <xsl:when test="$B/@state = 'cancelled'">
            <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'calendar.cancelled'"/></xsl:call-template></p>
            <!-- Cancelled, and then wanted after all: the way to book anew. -->
            <p><a href="{$script}/services/{$sub/@service}{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'calendar.rebook'"/></xsl:call-template></a></p>
          </xsl:when>
          <xsl:otherwise>
            <p>
              <a class="calendar-file" type="text/calendar" download="termin-{$sub/@ref}.ics">
                <xsl:attribute name="href">
                  <xsl:value-of select="concat($script, '/calendar/', $sub/@ref)"/>
                  <xsl:if test="string($sub/@token)"><xsl:value-of select="concat('?token=', $sub/@token)"/></xsl:if>
                  <xsl:if test="$lang != 'de'">
                    <xsl:choose>
                      <xsl:when test="string($sub/@token)">&amp;</xsl:when>
                      <xsl:otherwise>?</xsl:otherwise>
                    </xsl:choose>
                    <xsl:value-of select="concat('lang=', $lang)"/>
                  </xsl:if>
                </xsl:attribute>
                <xsl:call-template name="msg"><xsl:with-param name="key" select="'calendar.add'"/></xsl:call-template>
              </a>
            </p>
            <xsl:copy-of select="$actions"/>
          </xsl:otherwise>
        </xsl:choose>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- An ISO date YYYY-MM-DD for display (unchanged if it is not one). -->
  <xsl:template name="date">
    <xsl:param name="iso"/>
    <xsl:call-template name="format-arg"><xsl:with-param name="arg" select="string($iso)"/></xsl:call-template>
  </xsl:template>

  <!--
    2026-04-01T12:00:00+02:00 (the engine gives local times with their
    offset) as <time>: "01.04.2026, 12:00 Uhr" / "2026-04-01, 12:00"; a
    time in UTC ("...Z") says "(UTC)".
  -->
  <xsl:template name="datetime">
    <xsl:param name="iso"/>
    <xsl:variable name="s" select="string($iso)"/>
    <time datetime="{$s}">
      <xsl:call-template name="date"><xsl:with-param name="iso" select="substring($s, 1, 10)"/></xsl:call-template>
      <xsl:if test="string-length($s) &gt;= 16">
        <xsl:text>, </xsl:text>
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="'time.clock'"/>
          <xsl:with-param name="arg" select="substring($s, 12, 5)"/>
        </xsl:call-template>
        <xsl:if test="substring($s, string-length($s)) = 'Z'"> (UTC)</xsl:if>
      </xsl:if>
    </time>
  </xsl:template>

  <!--
    The responsible clerk (<clerk ref><name/><office/><email/><phone/><room/>
    <hours xml:lang/></clerk>; a <contact> wrapper inside <clerk> is accepted
    too). Mode "contact": the full box; mode "contact-line": one short line
    for the catalog.
  -->
  <xsl:template match="clerk" mode="contact">
    <xsl:variable name="c" select="(contact | self::clerk[not(contact)])[1]"/>
    <aside class="contact" aria-labelledby="contact-heading">
      <h2 id="contact-heading">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.heading'"/></xsl:call-template>
      </h2>
      <p class="contact-name">
        <xsl:if test="string($c/name)"><strong><xsl:value-of select="$c/name"/></strong></xsl:if>
        <xsl:if test="string($c/name) and string($c/office)"><br/></xsl:if>
        <xsl:value-of select="$c/office"/>
      </p>
      <dl>
        <xsl:if test="string($c/email)">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.email'"/></xsl:call-template></dt>
          <dd><xsl:apply-templates select="$c/email" mode="link"/></dd>
        </xsl:if>
        <xsl:if test="string($c/phone)">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.phone'"/></xsl:call-template></dt>
          <dd><xsl:apply-templates select="$c/phone" mode="link"/></dd>
        </xsl:if>
        <xsl:if test="string($c/room)">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.room'"/></xsl:call-template></dt>
          <dd><xsl:value-of select="$c/room"/></dd>
        </xsl:if>
        <xsl:if test="$c/hours">
          <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.hours'"/></xsl:call-template></dt>
          <dd class="hours"><xsl:call-template name="t"><xsl:with-param name="of" select="$c/hours"/></xsl:call-template></dd>
        </xsl:if>
      </dl>
    </aside>
  </xsl:template>

  <xsl:template match="clerk" mode="contact-line">
    <xsl:variable name="c" select="(contact | self::clerk[not(contact)])[1]"/>
    <p class="contact-line">
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.contact'"/></xsl:call-template>
      <xsl:text>: </xsl:text>
      <xsl:value-of select="$c/name"/>
      <xsl:if test="string($c/phone)">
        <span class="sep">, </span>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.phone'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:apply-templates select="$c/phone" mode="link"/>
      </xsl:if>
      <xsl:if test="string($c/email)">
        <span class="sep">, </span>
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.email'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <xsl:apply-templates select="$c/email" mode="link"/>
      </xsl:if>
    </p>
  </xsl:template>

  <xsl:template match="email" mode="link">
    <a href="mailto:{normalize-space(.)}"><xsl:value-of select="normalize-space(.)"/></a>
  </xsl:template>

  <xsl:template match="phone" mode="link">
    <a class="tel" href="tel:{translate(normalize-space(.), ' -/()', '')}"><xsl:value-of select="normalize-space(.)"/></a>
  </xsl:template>

</xsl:stylesheet>
