<?xml version="1.0" encoding="UTF-8"?>
<!--
  The checkout (page/@name = 'pay'): the bill as the server computed it,
  the payment state, and the methods the municipality offers, in its
  order: PayPal (a button: on to PayPal), bank transfer (account,
  reference and a GiroCode for banking apps), at the town hall. After a
  failed or cancelled payment it says so; the submission stays stored
  and payable.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="sub" select="/page/submission"/>
  <xsl:variable name="state" select="string($sub/payment/@state)"/>

  <xsl:template match="page" mode="head">
    <meta name="robots" content="noindex, nofollow"/>
  </xsl:template>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.title'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:if test="/page/problem">
      <div class="error-summary" role="alert" tabindex="-1" autofocus="autofocus">
        <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.problem'"/></xsl:call-template></h2>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.problem.', /page/problem/@code)"/></xsl:call-template></p>
      </div>
    </xsl:if>
    <p class="caption"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></p>
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.title'"/></xsl:call-template></h1>
    <dl class="facts">
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'receipt.ref'"/></xsl:call-template></dt>
      <dd class="ref-code"><xsl:value-of select="$sub/@ref"/></dd>
      <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.state'"/></xsl:call-template></dt>
      <dd><strong><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.state.', $state)"/></xsl:call-template></strong></dd>
    </dl>

    <xsl:call-template name="bill"><xsl:with-param name="fee" select="$sub/values/fee"/></xsl:call-template>

    <xsl:choose>
      <xsl:when test="$state = 'awaiting'">
        <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.how'"/></xsl:call-template></h2>
        <xsl:apply-templates select="/page/methods/method"/>
      </xsl:when>
      <xsl:otherwise>
        <p class="panel"><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.done.', $state)"/></xsl:call-template></p>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:if test="$sub/payment/event">
      <table class="history">
        <caption><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.history'"/></xsl:call-template></caption>
        <thead>
          <tr>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'status.history.date'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method'"/></xsl:call-template></th>
            <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.state'"/></xsl:call-template></th>
          </tr>
        </thead>
        <tbody>
          <xsl:for-each select="$sub/payment/event">
            <tr>
              <td><xsl:call-template name="datetime"><xsl:with-param name="iso" select="@at"/></xsl:call-template></td>
              <td><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.method.', @method)"/></xsl:call-template></td>
              <td><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.event.', @state)"/></xsl:call-template></td>
            </tr>
          </xsl:for-each>
        </tbody>
      </table>
    </xsl:if>

    <p class="back">
      <a><xsl:attribute name="href"><xsl:call-template name="submission-link"><xsl:with-param name="path" select="concat('/receipt/', $sub/@ref)"/><xsl:with-param name="token" select="$sub/@token"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.to_receipt'"/></xsl:call-template></a>
      <xsl:text> · </xsl:text>
      <a><xsl:attribute name="href"><xsl:call-template name="submission-link"><xsl:with-param name="path" select="concat('/status/', $sub/@ref)"/><xsl:with-param name="token" select="$sub/@token"/></xsl:call-template></xsl:attribute><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.to_status'"/></xsl:call-template></a>
    </p>
    <xsl:apply-templates select="$S/clerk" mode="contact"/>
  </xsl:template>

  <xsl:template match="method[@name = 'paypal']">
    <section class="pay-method" aria-labelledby="m-paypal">
      <h3 id="m-paypal"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method.paypal'"/></xsl:call-template></h3>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.paypal.text'"/></xsl:call-template></p>
      <form method="post"><xsl:attribute name="action"><xsl:call-template name="submission-link"><xsl:with-param name="path" select="concat('/pay/', $sub/@ref)"/><xsl:with-param name="token" select="$sub/@token"/></xsl:call-template></xsl:attribute>
        <input type="hidden" name="method" value="paypal"/>
        <button type="submit" class="button"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.paypal.button'"/></xsl:call-template></button>
      </form>
    </section>
  </xsl:template>

  <xsl:template match="method[@name = 'transfer']">
    <xsl:variable name="bank" select="/page/bank"/>
    <section class="pay-method" aria-labelledby="m-transfer">
      <h3 id="m-transfer"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method.transfer'"/></xsl:call-template></h3>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.transfer.text'"/></xsl:call-template></p>
      <dl class="facts bank">
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.recipient'"/></xsl:call-template></dt>
        <dd><xsl:value-of select="$bank/@recipient"/></dd>
        <dt>IBAN</dt>
        <dd class="iban copy-code"><xsl:value-of select="$bank/@iban-grouped"/></dd>
        <xsl:if test="string($bank/@bic)">
          <dt>BIC</dt>
          <dd><xsl:value-of select="$bank/@bic"/></dd>
        </xsl:if>
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.amount'"/></xsl:call-template></dt>
        <dd><xsl:call-template name="amount"><xsl:with-param name="cents" select="$sub/@fee-cents"/></xsl:call-template></dd>
        <dt><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.purpose'"/></xsl:call-template></dt>
        <dd class="copy-code">
          <xsl:choose>
            <xsl:when test="/page/reference"><xsl:value-of select="/page/reference/@printed"/></xsl:when>
            <xsl:otherwise><xsl:value-of select="$sub/@ref"/></xsl:otherwise>
          </xsl:choose>
        </dd>
      </dl>
      <xsl:if test="/page/girocode">
        <figure class="girocode">
          <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {/page/girocode/@size} {/page/girocode/@size}"
               width="200" height="200" role="img" aria-labelledby="girocode-title">
            <title id="girocode-title"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.girocode'"/></xsl:call-template></title>
            <rect width="100%" height="100%" fill="#fff"/>
            <path d="{/page/girocode/@path}" fill="#000" shape-rendering="crispEdges"/>
          </svg>
          <figcaption><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.girocode.text'"/></xsl:call-template></figcaption>
        </figure>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="method[@name = 'counter']">
    <section class="pay-method" aria-labelledby="m-counter">
      <h3 id="m-counter"><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.method.counter'"/></xsl:call-template></h3>
      <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.counter.text'"/></xsl:call-template></p>
    </section>
  </xsl:template>

</xsl:stylesheet>
