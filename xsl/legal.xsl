<?xml version="1.0" encoding="UTF-8"?>
<!--
  The legal pages (page/@name = 'legal'): <legal kind="imprint|privacy|
  accessibility" login="yes|" paypal="yes|" mail="yes|"> with a
  <service id retention-days login><title xml:lang/></service> for each
  service that stores what citizens send. The town's facts come from its
  municipality.xml ($T, layout.xsl); without one the page says that the
  operator has not filled them in yet.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:variable name="kind" select="string(/page/legal/@kind)"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="legal-title"/>
  </xsl:template>

  <xsl:template name="legal-title">
    <xsl:choose>
      <xsl:when test="$kind = 'imprint'"><xsl:call-template name="msg"><xsl:with-param name="key" select="'footer.imprint'"/></xsl:call-template></xsl:when>
      <xsl:when test="$kind = 'privacy'"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.privacy.title'"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.accessibility.title'"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <h1><xsl:call-template name="legal-title"/></h1>
    <xsl:choose>
      <xsl:when test="not($T)">
        <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.unset'"/></xsl:call-template></p>
      </xsl:when>
      <xsl:when test="$kind = 'imprint'"><xsl:call-template name="imprint"/></xsl:when>
      <xsl:when test="$kind = 'privacy'"><xsl:call-template name="privacy"/></xsl:when>
      <xsl:otherwise><xsl:call-template name="accessibility"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A text of municipality.xml that is either plain or <text>s. -->
  <xsl:template name="langs">
    <xsl:param name="of"/>
    <xsl:choose>
      <xsl:when test="$of/text"><xsl:call-template name="t"><xsl:with-param name="of" select="$of/text"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:value-of select="$of"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Name, address and the ways to reach someone, as an address block. -->
  <xsl:template name="contact">
    <xsl:param name="name"/>
    <xsl:param name="of"/>
    <address>
      <xsl:copy-of select="$name"/>
      <xsl:for-each select="$of/address">
        <br/><xsl:value-of select="street"/>
        <br/><xsl:value-of select="concat(postcode, ' ', town)"/>
      </xsl:for-each>
      <xsl:for-each select="$of/phone">
        <br/><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.phone'"/></xsl:call-template>
        <xsl:text>: </xsl:text>
        <a href="tel:{translate(., ' -/()', '')}"><xsl:value-of select="."/></a>
      </xsl:for-each>
      <xsl:for-each select="$of/email">
        <br/><xsl:call-template name="msg"><xsl:with-param name="key" select="'contact.email'"/></xsl:call-template>
        <xsl:text>: </xsl:text>
        <a href="mailto:{.}"><xsl:value-of select="."/></a>
      </xsl:for-each>
      <xsl:for-each select="$of/web">
        <br/><a href="{.}"><xsl:value-of select="."/></a>
      </xsl:for-each>
    </address>
  </xsl:template>

  <xsl:template name="h2">
    <xsl:param name="key"/>
    <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="$key"/></xsl:call-template></h2>
  </xsl:template>

  <xsl:template name="p">
    <xsl:param name="key"/>
    <xsl:param name="arg" select="''"/>
    <p>
      <xsl:call-template name="msg">
        <xsl:with-param name="key" select="$key"/>
        <xsl:with-param name="arg" select="$arg"/>
        <xsl:with-param name="format" select="false()"/>
      </xsl:call-template>
    </p>
  </xsl:template>

  <xsl:variable name="town">
    <xsl:call-template name="town-name"><xsl:with-param name="inline" select="false()"/></xsl:call-template>
  </xsl:variable>

  <!-- § 5 DDG for a public body: who, where, how to reach, who represents
       it, who supervises it. -->
  <xsl:template name="imprint">
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.imprint.provider'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:call-template name="town-name"/></xsl:with-param>
      <xsl:with-param name="of" select="$T"/>
    </xsl:call-template>
    <xsl:call-template name="p">
      <xsl:with-param name="key" select="'legal.imprint.kind'"/>
      <xsl:with-param name="arg" select="$T/@kind"/>
    </xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.imprint.representative'"/></xsl:call-template>
    <p><xsl:call-template name="t"><xsl:with-param name="of" select="$T/representative"/></xsl:call-template></p>
    <xsl:if test="$T/supervisory-authority">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.imprint.supervisory'"/></xsl:call-template>
      <p><xsl:call-template name="langs"><xsl:with-param name="of" select="$T/supervisory-authority"/></xsl:call-template></p>
    </xsl:if>
    <xsl:if test="$T/vat-id">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.imprint.vat'"/></xsl:call-template>
      <p><xsl:value-of select="$T/vat-id"/></p>
    </xsl:if>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.imprint.software'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.imprint.software.text'"/></xsl:call-template>
  </xsl:template>

  <!-- GDPR Art. 13: controller, officer, purposes and legal basis,
       recipients, storage periods, rights, complaint. -->
  <xsl:template name="privacy">
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.intro'"/></xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.controller'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:call-template name="town-name"/></xsl:with-param>
      <xsl:with-param name="of" select="$T"/>
    </xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.officer'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:value-of select="$T/privacy-officer/name"/></xsl:with-param>
      <xsl:with-param name="of" select="$T/privacy-officer"/>
    </xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.what'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.what.text'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.basis'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.cookies'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.logs'"/></xsl:call-template>
    <xsl:if test="/page/legal/@login = 'yes'">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.login'"/></xsl:call-template>
      <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.login.text'"/></xsl:call-template>
    </xsl:if>
    <xsl:if test="/page/legal/@mail = 'yes'">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.mail'"/></xsl:call-template>
      <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.mail.text'"/></xsl:call-template>
    </xsl:if>
    <xsl:if test="/page/legal/@paypal = 'yes'">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.paypal'"/></xsl:call-template>
      <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.paypal.text'"/></xsl:call-template>
    </xsl:if>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.retention'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.retention.text'"/></xsl:call-template>
    <xsl:if test="/page/legal/service">
      <div class="table-scroll" role="region" tabindex="0">
        <xsl:attribute name="aria-label"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.privacy.retention'"/></xsl:call-template></xsl:attribute>
        <table class="retention">
          <thead>
            <tr>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.privacy.service'"/></xsl:call-template></th>
              <th scope="col"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.privacy.kept'"/></xsl:call-template></th>
            </tr>
          </thead>
          <tbody>
            <xsl:for-each select="/page/legal/service">
              <tr>
                <th scope="row"><xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template></th>
                <td>
                  <xsl:choose>
                    <xsl:when test="@retention-days &gt; 0">
                      <xsl:call-template name="msg">
                        <xsl:with-param name="key" select="'legal.privacy.days'"/>
                        <xsl:with-param name="arg" select="@retention-days"/>
                        <xsl:with-param name="format" select="false()"/>
                      </xsl:call-template>
                    </xsl:when>
                    <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.privacy.no_days'"/></xsl:call-template></xsl:otherwise>
                  </xsl:choose>
                </td>
              </tr>
            </xsl:for-each>
          </tbody>
        </table>
      </div>
    </xsl:if>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.rights'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.rights.text'"/></xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.privacy.complaint'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.privacy.complaint.text'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:value-of select="$T/privacy-authority/name"/></xsl:with-param>
      <xsl:with-param name="of" select="$T/privacy-authority"/>
    </xsl:call-template>
  </xsl:template>

  <!-- BITV 2.0 § 7 after the EU's model statement. -->
  <xsl:template name="accessibility">
    <xsl:variable name="A" select="$T/accessibility"/>
    <xsl:call-template name="p">
      <xsl:with-param name="key" select="'legal.accessibility.intro'"/>
      <xsl:with-param name="arg" select="$town"/>
    </xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.accessibility.status'"/></xsl:call-template>
    <xsl:choose>
      <xsl:when test="$A/@status = 'full'"><xsl:call-template name="p"><xsl:with-param name="key" select="'legal.accessibility.full'"/></xsl:call-template></xsl:when>
      <xsl:when test="$A/@status = 'partial'"><xsl:call-template name="p"><xsl:with-param name="key" select="'legal.accessibility.partial'"/></xsl:call-template></xsl:when>
      <xsl:otherwise><xsl:call-template name="p"><xsl:with-param name="key" select="'legal.accessibility.none'"/></xsl:call-template></xsl:otherwise>
    </xsl:choose>
    <xsl:if test="$A/gap">
      <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.accessibility.gaps'"/></xsl:call-template>
      <ul>
        <xsl:for-each select="$A/gap">
          <li><xsl:call-template name="langs"><xsl:with-param name="of" select="."/></xsl:call-template></li>
        </xsl:for-each>
      </ul>
    </xsl:if>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.accessibility.made'"/></xsl:call-template>
    <p>
      <xsl:call-template name="msg">
        <xsl:with-param name="key" select="'legal.accessibility.assessed'"/>
        <xsl:with-param name="arg" select="$A/@assessed"/>
      </xsl:call-template>
      <xsl:text> </xsl:text>
      <xsl:choose>
        <xsl:when test="$A/@method = 'external'"><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.accessibility.external'"/></xsl:call-template></xsl:when>
        <xsl:otherwise><xsl:call-template name="msg"><xsl:with-param name="key" select="'legal.accessibility.self'"/></xsl:call-template></xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.accessibility.feedback'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.accessibility.feedback.text'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:call-template name="town-name"/></xsl:with-param>
      <xsl:with-param name="of" select="$A/feedback"/>
    </xsl:call-template>
    <xsl:call-template name="h2"><xsl:with-param name="key" select="'legal.accessibility.enforcement'"/></xsl:call-template>
    <xsl:call-template name="p"><xsl:with-param name="key" select="'legal.accessibility.enforcement.text'"/></xsl:call-template>
    <xsl:call-template name="contact">
      <xsl:with-param name="name"><xsl:value-of select="$A/enforcement/name"/></xsl:with-param>
      <xsl:with-param name="of" select="$A/enforcement"/>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
