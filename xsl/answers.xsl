<?xml version="1.0" encoding="UTF-8"?>
<!--
  What the form page, the check page and the receipt share: the hidden
  inputs that carry a form from page to page, the list of answers (by the
  definition's pages, groups and rows), and the bill. The including
  stylesheet defines $S (the service) and includes layout.xsl.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!--
    Hidden inputs that carry the form along: the double-submit key, the
    warnings accepted, the rows of each repeating group, and every answer
    whose question is not on this page (names in $except; rows "name.N").
  -->
  <xsl:template name="carry">
    <xsl:param name="except" select="/.."/>
    <input type="hidden" name="_key" value="{/page/submit/@key}"/>
    <xsl:if test="string(/page/submit/@accept)">
      <input type="hidden" name="_accept" value="{/page/submit/@accept}"/>
    </xsl:if>
    <xsl:if test="string(/page/submit/@checking)">
      <input type="hidden" name="_check" value="1"/>
    </xsl:if>
    <xsl:for-each select="/page/rows">
      <input type="hidden" name="_rows.{@group}" value="{@count}"/>
    </xsl:for-each>
    <!-- Files stay in the store under the key; they are never carried.
         Their names looked up once: per answer, a search of the whole
         form made a 3,000-field form's page step quadratic. -->
    <xsl:variable name="files" select="$S//field[@type = 'file']/@name"/>
    <xsl:for-each select="/page/values/value[string(.) != ''][not(substring-before(concat(@name, '.'), '.') = $except)][not(@name = $files)]">
      <input type="hidden" name="{@name}" value="{.}"/>
    </xsl:for-each>
  </xsl:template>

  <!--
    The key the browser sent was not its own (submit/@renewed: a form of
    another browser or site, or a browser that lost its cookie): nothing
    was sent, files staged under that key stay behind. Say so.
  -->
  <xsl:template name="renewed">
    <xsl:if test="string(/page/submit/@renewed)">
      <div class="warning-summary" role="status" aria-labelledby="renewed-title">
        <h2 id="renewed-title"><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.renewed.heading'"/></xsl:call-template></h2>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'form.renewed'"/></xsl:call-template></p>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- A repeating group's row of a field name "name.2", as "Partner 2 – ". -->
  <xsl:template name="row-prefix">
    <xsl:param name="k"/>
    <xsl:if test="contains($k, '.')">
      <xsl:variable name="g" select="$S//group[field/@name = substring-before($k, '.')]"/>
      <xsl:call-template name="t"><xsl:with-param name="of" select="$g/title"/></xsl:call-template>
      <xsl:value-of select="concat(' ', substring-after($k, '.'), ' – ')"/>
    </xsl:if>
  </xsl:template>

  <!--
    The answers to the questions of one definition page as <div>s of a
    <dl>: label and answer, for the check page ($edit) with a button that
    goes back to the question. $all: list unanswered questions too.
  -->
  <xsl:template name="answers">
    <xsl:param name="page"/>
    <xsl:param name="values"/>
    <xsl:param name="edit" select="false()"/>
    <xsl:param name="all" select="false()"/>
    <!-- The back office: a file answer links to this URL + its name. -->
    <xsl:param name="filelink" select="''"/>
    <!-- In the order of the definition: fields, groups and their rows. -->
    <xsl:for-each select="$page/field | $page/group/field[not(../@max)] | $page/group[@max]">
      <xsl:choose>
        <xsl:when test="self::field">
          <xsl:call-template name="answer-row">
            <xsl:with-param name="k" select="@name"/>
            <xsl:with-param name="values" select="$values"/>
            <xsl:with-param name="edit" select="$edit"/>
            <xsl:with-param name="all" select="$all"/>
            <xsl:with-param name="filelink" select="$filelink"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="g" select="."/>
          <!-- The rows are those the group's first question has answers for. -->
          <xsl:for-each select="$values[starts-with(@name, concat($g/field[1]/@name, '.'))]">
            <xsl:variable name="row" select="substring-after(@name, '.')"/>
            <xsl:for-each select="$g/field">
              <xsl:call-template name="answer-row">
                <xsl:with-param name="k" select="concat(@name, '.', $row)"/>
                <xsl:with-param name="values" select="$values"/>
                <xsl:with-param name="edit" select="$edit"/>
                <xsl:with-param name="all" select="$all"/>
                <xsl:with-param name="filelink" select="$filelink"/>
              </xsl:call-template>
            </xsl:for-each>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <!-- One answer; the context node is its field. -->
  <xsl:template name="answer-row">
    <xsl:param name="k"/>
    <xsl:param name="values"/>
    <xsl:param name="edit"/>
    <xsl:param name="all"/>
    <xsl:param name="filelink" select="''"/>
    <xsl:variable name="v" select="$values[@name = $k]"/>
    <xsl:if test="$v and not($v/@skipped) and ($all or string($v) != '')">
      <div class="answer">
        <dt>
          <xsl:call-template name="row-prefix"><xsl:with-param name="k" select="$k"/></xsl:call-template>
          <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
        </dt>
        <dd>
          <xsl:choose>
            <xsl:when test="string($v) = ''">
              <span class="none"><xsl:call-template name="msg"><xsl:with-param name="key" select="'check.none'"/></xsl:call-template></span>
            </xsl:when>
            <xsl:otherwise>
              <xsl:call-template name="answer-value">
                <xsl:with-param name="v" select="string($v)"/>
                <xsl:with-param name="filelink" select="$filelink"/>
              </xsl:call-template>
            </xsl:otherwise>
          </xsl:choose>
        </dd>
        <xsl:if test="$edit and /page/prefill[@field = $k][@locked = 'true']">
          <!-- Vouched for by the account: nothing to change here. -->
          <dd class="change prefill-locked">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'check.locked'"/></xsl:call-template>
          </dd>
        </xsl:if>
        <xsl:if test="$edit and not(/page/prefill[@field = $k][@locked = 'true'])">
          <dd class="change">
            <!-- Back to the page, scrolled to the question. -->
            <button type="submit" class="link-button" name="_edit" value="{ancestor::page/@id}"
                    formaction="{$script}/services/{$S/@id}{$lq}#f-{$k}">
              <xsl:call-template name="msg"><xsl:with-param name="key" select="'check.change'"/></xsl:call-template>
              <span class="visually-hidden">
                <xsl:text>: </xsl:text>
                <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
              </span>
            </button>
          </dd>
        </xsl:if>
      </div>
    </xsl:if>
  </xsl:template>

  <!-- An answer as the citizen would read it; the context node is its field. -->
  <xsl:template name="answer-value">
    <xsl:param name="v"/>
    <xsl:param name="filelink" select="''"/>
    <xsl:choose>
      <xsl:when test="@type = 'file' and $filelink != ''">
        <a href="{$filelink}{@name}" download="">
          <xsl:call-template name="file-text"><xsl:with-param name="v" select="$v"/></xsl:call-template>
        </a>
      </xsl:when>
      <xsl:when test="@type = 'multiselect'">
        <xsl:variable name="vals" select="concat('&#10;', $v, '&#10;')"/>
        <xsl:for-each select="option[contains($vals, concat('&#10;', @value, '&#10;'))]">
          <xsl:if test="position() &gt; 1">, </xsl:if>
          <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
        </xsl:for-each>
      </xsl:when>
      <xsl:when test="option[@value = $v]">
        <xsl:call-template name="t"><xsl:with-param name="of" select="option[@value = $v]/label"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'checkbox' and $v = 'yes'">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.yes'"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'file'">
        <xsl:call-template name="file-text"><xsl:with-param name="v" select="$v"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'money'">
        <!-- Stored as "1234.50": shown as "1.234,50 €" / "EUR 1,234.50". -->
        <xsl:call-template name="amount"><xsl:with-param name="cents" select="round($v * 100)"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'slot'">
        <xsl:call-template name="datetime"><xsl:with-param name="iso" select="$v"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'date'">
        <xsl:call-template name="date"><xsl:with-param name="iso" select="$v"/></xsl:call-template>
      </xsl:when>
      <xsl:when test="@type = 'textarea'">
        <span class="multiline"><xsl:value-of select="$v"/></span>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$v"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A stored file's description "name\nmime\nsize" as "name (120 KB)". -->
  <xsl:template name="file-text">
    <xsl:param name="v"/>
    <xsl:variable name="size" select="number(substring-after(substring-after($v, '&#10;'), '&#10;'))"/>
    <xsl:value-of select="substring-before($v, '&#10;')"/>
    <xsl:text> (</xsl:text>
    <xsl:choose>
      <xsl:when test="$size &gt;= 1048576"><xsl:value-of select="format-number($size div 1048576, '0.0')"/> MB</xsl:when>
      <xsl:otherwise><xsl:value-of select="ceiling($size div 1024)"/> KB</xsl:otherwise>
    </xsl:choose>
    <xsl:text>)</xsl:text>
  </xsl:template>

  <!-- "Zahlung: offen – Jetzt bezahlen" for a submission ($sub). -->
  <xsl:template name="payment-line">
    <xsl:variable name="sub" select="/page/submission"/>
    <p class="payment payment-{$sub/@payment}">
      <xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.state'"/></xsl:call-template>
      <xsl:text>: </xsl:text>
      <strong><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('pay.state.', $sub/@payment)"/></xsl:call-template></strong>
      <xsl:if test="$sub/@payment = 'awaiting'">
        <xsl:text> – </xsl:text>
        <a><xsl:attribute name="href"><xsl:call-template name="submission-link"><xsl:with-param name="path" select="concat('/pay/', $sub/@ref)"/><xsl:with-param name="token" select="$sub/@token"/></xsl:call-template></xsl:attribute>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'pay.now'"/></xsl:call-template>
        </a>
      </xsl:if>
    </p>
  </xsl:template>

  <!--
    The bill: a <fee total=".."> with its <line>s and perhaps a <waiver>,
    as the server computed it. Without lines, the service's fee line (free,
    or what is paid at the counter).
  -->
  <xsl:template name="bill">
    <xsl:param name="fee"/>
    <xsl:choose>
      <xsl:when test="$fee/line">
        <!-- On a narrow phone the table scrolls by itself, not the page;
             focusable, so that the keyboard can scroll it too. -->
        <div class="table-scroll" role="region" tabindex="0">
        <xsl:attribute name="aria-label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.caption'"/></xsl:call-template></xsl:attribute>
        <table class="bill">
          <caption><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.caption'"/></xsl:call-template></caption>
          <thead>
            <tr>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.item'"/></xsl:call-template></th>
              <th scope="col" class="num"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.qty'"/></xsl:call-template></th>
              <th scope="col" class="num"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.unit'"/></xsl:call-template></th>
              <th scope="col" class="num"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.amount'"/></xsl:call-template></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="$fee/line">
              <tr>
                <td>
                  <xsl:choose>
                    <xsl:when test="label"><xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template></xsl:when>
                    <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></xsl:otherwise>
                  </xsl:choose>
                </td>
                <td class="num"><xsl:value-of select="@qty"/></td>
                <td class="num"><xsl:call-template name="amount"><xsl:with-param name="cents" select="@unit"/></xsl:call-template></td>
                <td class="num"><xsl:call-template name="amount"><xsl:with-param name="cents" select="@total"/></xsl:call-template></td>
              </tr>
            </xsl:for-each>
            <xsl:for-each select="$fee/waiver">
              <tr class="waiver">
                <td colspan="3">
                  <xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.waived'"/></xsl:call-template>
                  <xsl:if test="label">
                    <xsl:text> (</xsl:text>
                    <xsl:call-template name="t"><xsl:with-param name="of" select="label"/></xsl:call-template>
                    <xsl:text>)</xsl:text>
                  </xsl:if>
                </td>
                <td class="num">
                  <xsl:text>−</xsl:text>
                  <xsl:call-template name="amount"><xsl:with-param name="cents" select="sum($fee/line/@total)"/></xsl:call-template>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colspan="3"><xsl:call-template name="msg"><xsl:with-param name="key" select="'bill.total'"/></xsl:call-template></th>
              <td class="num total"><xsl:call-template name="amount"><xsl:with-param name="cents" select="$fee/@total"/></xsl:call-template></td>
            </tr>
          </tfoot>
        </table>
        </div>
        <!-- The basis it was computed by, kept with it. -->
        <xsl:if test="$fee/legal">
          <p class="fee-legal">
            <xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.legal'"/></xsl:call-template>
            <xsl:text>: </xsl:text>
            <xsl:call-template name="t"><xsl:with-param name="of" select="$fee/legal"/></xsl:call-template>
          </p>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="fee-line"><xsl:with-param name="fee" select="$S/fee"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
