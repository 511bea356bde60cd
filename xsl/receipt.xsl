<?xml version="1.0" encoding="UTF-8"?>
<!--
  The receipt (page/@name = 'receipt'): reference, date, service, answers,
  fee, status, contact and the QR code that holds the status URL.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>
  <xsl:variable name="status-url" select="normalize-space((/page/status-url | $sub/status-url)[1])"/>
  <!-- The portal's origin (base_url), for addresses on paper: the
       context's base attribute where the program gives one, else the
       part of the absolute status URL before the script. -->
  <xsl:variable name="base">
    <xsl:choose>
      <xsl:when test="string($ctx/@base)"><xsl:value-of select="$ctx/@base"/></xsl:when>
      <xsl:when test="contains($status-url, concat($script, '/status/'))">
        <xsl:value-of select="substring-before($status-url, concat($script, '/status/'))"/>
      </xsl:when>
    </xsl:choose>
  </xsl:variable>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.title'"/></xsl:call-template>
  </xsl:template>

  <!--
    On paper the reference heads every page: the print style sheet makes
    .print-frame a table whose header group (.print-head, hidden on the
    screen) Chromium repeats on each page, as it does a <thead>.
  -->
  <xsl:template match="page" mode="main">
    <div class="print-frame">
      <div class="print-only print-head">
        <p class="print-ref"><span>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.ref'"/></xsl:call-template>
          <xsl:text>: </xsl:text>
          <xsl:value-of select="$sub/@ref"/>
        </span></p>
      </div>
      <div class="print-body"><div class="print-row">
        <xsl:call-template name="receipt"/>
      </div></div>
    </div>
  </xsl:template>

  <xsl:template name="receipt">
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.title'"/></xsl:call-template></h1>
    <div class="panel confirmation">
      <p class="thanks"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.thanks'"/></xsl:call-template></p>
      <p class="ref-label" id="ref-label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.ref'"/></xsl:call-template></p>
      <p class="ref"><strong class="ref-code"><xsl:value-of select="$sub/@ref"/></strong></p>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.ref_hint'"/></xsl:call-template></p>
    </div>
    <p class="keep"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.keep'"/></xsl:call-template></p>

    <dl class="facts">
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.service'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.created'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="datetime"><xsl:with-param name="iso" select="$sub/@created"/></xsl:call-template></dd>
      <xsl:variable name="cents" select="($sub/@fee-cents | $S/fee[not($sub/@fee-cents)]/@cents)[1]"/>
      <xsl:if test="string(number($cents)) != 'NaN'">
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template></dt>
        <xsl:choose>
          <!-- Nothing online, the fee paid at the counter: say what, as
               the form did, not "free". -->
          <xsl:when test="number($cents) = 0 and $S/fee/counter">
            <dd><xsl:call-template name="t"><xsl:with-param name="of" select="$S/fee/counter"/></xsl:call-template></dd>
          </xsl:when>
          <xsl:otherwise>
            <dd class="amount"><xsl:call-template name="fee"><xsl:with-param name="cents" select="$cents"/></xsl:call-template></dd>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:if>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.status'"/></xsl:call-template></dt>
      <dd><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('status.', $sub/@status)"/></xsl:call-template></dd>
    </dl>

    <xsl:call-template name="booking-box"/>

    <xsl:variable name="values" select="$sub/values/value"/>
    <xsl:if test="$values[string(.) != '']">
      <section class="answers" aria-labelledby="answers-heading">
        <h2 id="answers-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.answers'"/></xsl:call-template></h2>
        <dl>
          <xsl:for-each select="$S/page">
            <xsl:call-template name="answers">
              <xsl:with-param name="page" select="."/>
              <xsl:with-param name="values" select="$values"/>
            </xsl:call-template>
          </xsl:for-each>
        </dl>
      </section>
    </xsl:if>
    <xsl:if test="$sub/values/fee/line">
      <section class="fees" aria-labelledby="fees-heading">
        <h2 id="fees-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template></h2>
        <xsl:call-template name="bill"><xsl:with-param name="fee" select="$sub/values/fee"/></xsl:call-template>
        <xsl:call-template name="payment-line"/>
        <!-- On paper a link is no use: the address of "Jetzt bezahlen",
             absolute (the screen's link is relative). -->
        <xsl:if test="$sub/@payment = 'awaiting' and string($base)">
          <p class="print-only pay-address">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.now'"/></xsl:call-template>
            <xsl:text>: </xsl:text>
            <xsl:value-of select="$base"/>
            <xsl:call-template name="submission-link"><xsl:with-param name="path" select="concat('/pay/', $sub/@ref)"/><xsl:with-param name="token" select="$sub/@token"/></xsl:call-template>
          </p>
        </xsl:if>
      </section>
    </xsl:if>

    <xsl:variable name="url" select="(/page/status-url | $sub/status-url)[1]"/>
    <xsl:variable name="qr" select="(/page/qr | $sub/qr)[1]"/>
    <xsl:if test="$url or $qr">
      <section class="qr" aria-labelledby="qr-heading">
        <h2 id="qr-heading"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.qr.heading'"/></xsl:call-template></h2>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.qr.text'"/></xsl:call-template></p>
        <xsl:if test="$qr">
          <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {$qr/@size} {$qr/@size}"
               width="200" height="200" role="img" aria-labelledby="qr-title">
            <title id="qr-title"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.qr.title'"/></xsl:call-template></title>
            <rect width="100%" height="100%" fill="#fff"/>
            <path d="{$qr/@path}" fill="#000" shape-rendering="crispEdges"/>
          </svg>
        </xsl:if>
        <xsl:if test="$url">
          <p class="status-url"><a href="{normalize-space($url)}"><xsl:value-of select="normalize-space($url)"/></a></p>
        </xsl:if>
        <p class="note"><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.qr.private'"/></xsl:call-template></p>
      </section>
    </xsl:if>

    <xsl:apply-templates select="$S/clerk" mode="contact"/>
    <xsl:call-template name="back-to-catalog"/>
  </xsl:template>

</xsl:stylesheet>
